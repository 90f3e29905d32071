// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.TrxCount;

/// <summary>A failed result of a TRX: the test's display name and its error message.</summary>
public sealed record TrxFailure(string Test, string Message)
{
    /// <summary>
    /// The report the test command prints: "FAILED NAME", then the message indented, at most
    /// <paramref name="maxLines"/> of its lines (a CI log shows why without the TRX at hand).
    /// </summary>
    public IEnumerable<string> Report(int maxLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLines);
        yield return $"FAILED {Test}";
        var lines = Message.ReplaceLineEndings("\n").Split('\n');
        foreach (var line in lines.Take(maxLines))
            yield return "    " + line;
        if (lines.Length > maxLines)
            yield return $"    ... ({lines.Length - maxLines} more lines in the TRX)";
    }
}
