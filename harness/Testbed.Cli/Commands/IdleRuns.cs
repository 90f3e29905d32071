// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Concurrent;

namespace Testbed.Cli.Commands;

/// <summary>
/// A concurrent run that ran no operation (a --duration cap that ended it before its
/// first one) checked nothing: the command says so in one line and exits
/// <see cref="ExitCodes.Failed"/> instead of calling it clean.
/// </summary>
internal static class IdleRuns
{
    /// <summary>Whether any of <paramref name="runs"/> ran no operation; if so, the line on stderr.</summary>
    public static bool Report(string command, IReadOnlyCollection<RunResult> runs, double? duration)
    {
        var idle = runs.Count(r => r.Operations == 0 && r.Crash is null);
        if (idle == 0)
            return false;
        var cap = duration is { } d ? $" within --duration {d:0.###########} s; give it a longer one" : "";
        Console.Error.WriteLine($"testbed {command}: could not complete: {idle} of {runs.Count} run(s) ran no operation{cap}");
        return true;
    }
}
