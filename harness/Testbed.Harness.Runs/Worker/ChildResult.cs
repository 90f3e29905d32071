// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Worker;

/// <summary>
/// How a child process ended: its exit code (<see cref="ChildProcess.KilledExitCode"/> when it was
/// killed for its timeout), everything it wrote, and how long it ran.
/// </summary>
public sealed record ChildResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut)
{
    /// <summary>The last line of stdout that is a JSON object: how the worker and the detectors report; null when there is none.</summary>
    public string? LastJsonLine() =>
        Stdout.Split('\n', StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));

    /// <summary>What killed the child (see <see cref="ChildProcess.Diagnose"/>).</summary>
    public (int? Signal, string Reason) Diagnose() => ChildProcess.Diagnose(ExitCode, Stderr);

    /// <summary>The last <paramref name="chars"/> characters of stderr.</summary>
    public string StderrTail(int chars) => Stderr.Length > chars ? Stderr[^chars..] : Stderr;
}
