// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.TrxCount;

/// <summary>A failed result of a TRX: the test's display name and its error message.</summary>
public sealed record TrxFailure(string Test, string Message)
{
    /// <summary>
    /// The report the test command prints: "FAILED NAME", then the message indented; a message
    /// longer than <paramref name="maxLines"/> lines keeps its first and last halves of that
    /// (an assertion's text comes first, a console log's end last), so a CI log says why
    /// without the TRX at hand.
    /// </summary>
    public IEnumerable<string> Report(int maxLines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 2);
        yield return $"FAILED {Test}";
        var lines = Message.ReplaceLineEndings("\n").Split('\n');
        var head = lines.Length <= maxLines ? lines.Length : maxLines / 2;
        foreach (var line in lines.Take(head))
            yield return "    " + line;
        if (head == lines.Length)
            yield break;
        var tail = maxLines - head;
        yield return $"    ... ({lines.Length - head - tail} lines left out; the TRX has them all)";
        foreach (var line in lines.TakeLast(tail))
            yield return "    " + line;
    }
}
