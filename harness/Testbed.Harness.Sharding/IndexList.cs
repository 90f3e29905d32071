// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text;

namespace Testbed.Harness.Sharding;

/// <summary>
/// A list of indices short enough for a one-line message: runs of consecutive ones as ranges
/// ("1..99999"), at most a few items, then "and N more".
/// </summary>
public static class IndexList
{
    /// <summary>The most items (single indices or ranges) a message names.</summary>
    public const int MaxItems = 5;

    /// <summary><paramref name="indices"/> (any order) as "1..4, 7, 9 and 12 more".</summary>
    public static string Describe(IEnumerable<int> indices)
    {
        var runs = new List<(int First, int Last)>();
        foreach (var i in indices.Distinct().Order())
        {
            if (runs.Count > 0 && runs[^1].Last == i - 1)
                runs[^1] = (runs[^1].First, i);
            else
                runs.Add((i, i));
        }
        var text = new StringBuilder();
        foreach (var (first, last) in runs.Take(MaxItems))
        {
            if (text.Length > 0)
                text.Append(", ");
            text.Append(first == last ? Number(first) : last == first + 1 ? $"{Number(first)}, {Number(last)}" : $"{Number(first)}..{Number(last)}");
        }
        var rest = runs.Skip(MaxItems).Sum(r => r.Last - r.First + 1);
        if (rest > 0)
            text.Append(CultureInfo.InvariantCulture, $" and {rest} more");
        return text.ToString();
    }

    private static string Number(int i) => i.ToString(CultureInfo.InvariantCulture);
}
