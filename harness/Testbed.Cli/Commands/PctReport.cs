// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Scheduling;

namespace Testbed.Cli.Commands;

/// <summary>The JSON line <c>testbed pct --json</c> prints per scenario (read by <c>testbed mutants</c>).</summary>
public sealed record PctReport(
    string Scenario,
    string Backend,
    string Strategy,
    bool Found,
    int Schedules,
    long Operations,
    double Seconds,
    string? Schedule,
    string? Shrunk,
    IReadOnlyList<string> Problems,
    string? Replay)
{
    /// <summary>The report of one exploration.</summary>
    public static PctReport From(ExplorationResult r, string? replay) => new(
        r.Scenario, r.Backend, r.Strategy.ToString().ToLowerInvariant(), r.Found, r.Schedules, r.Operations,
        r.Elapsed.TotalSeconds, r.Failure?.Run.Schedule.ToString(), r.Shrunk?.Run.Schedule.ToString(),
        r.Failure?.Problems ?? [], replay);
}
