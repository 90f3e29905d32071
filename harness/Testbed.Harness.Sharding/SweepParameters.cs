// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Sharding;

/// <summary>
/// Reads a result file's parameters back (<see cref="SweepFile.Parameters"/>, all text), for the
/// checks a merge makes; an <see cref="InvalidDataException"/> names the parameter and the problem.
/// </summary>
public static class SweepParameters
{
    /// <summary>The text of parameter <paramref name="name"/>.</summary>
    public static string Text(IReadOnlyDictionary<string, string> parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.TryGetValue(name, out var value) ? value : throw new InvalidDataException($"no parameter \"{name}\"");
    }

    /// <summary>Parameter <paramref name="name"/> as a count (0 or more).</summary>
    public static int Count(IReadOnlyDictionary<string, string> parameters, string name)
    {
        var text = Text(parameters, name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new InvalidDataException($"parameter \"{name}\" is '{Abbreviated(text)}', not a count");
    }

    /// <summary>How many items the comma-separated list in parameter <paramref name="name"/> holds.</summary>
    public static int ListLength(IReadOnlyDictionary<string, string> parameters, string name) =>
        Text(parameters, name).Split(',', StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Abbreviated(string text) => text.Length <= 20 ? text : text[..17] + "...";
}
