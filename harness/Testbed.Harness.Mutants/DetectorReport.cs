// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Mutants;

/// <summary>
/// What one detector did against one mutant: found it or not, after how many schedules
/// (or runs, or sequences) and operations, in how many seconds (measured inside the
/// detector, process start excluded), where, and the command that replays it. For PCT the
/// counts are those of the scenario that found it; <see cref="TotalSchedules"/> and
/// <see cref="TotalSeconds"/> include the scenarios tried before it.
/// </summary>
public sealed record DetectorReport(
    string Mutant,
    string Detector,
    bool Found,
    int Schedules,
    long Operations,
    double Seconds,
    string? Scenario,
    string? Schedule,
    IReadOnlyList<string> Problems,
    string Replay)
{
    /// <summary>PCT: schedules over every scenario tried, up to the detection.</summary>
    public int TotalSchedules { get; init; }

    /// <summary>PCT: seconds over every scenario tried, up to the detection.</summary>
    public double TotalSeconds { get; init; }
}
