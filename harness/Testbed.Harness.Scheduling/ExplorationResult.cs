// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// What an exploration found: the first failing run (null: none within the bound) after
/// <see cref="Schedules"/> schedules and <see cref="Operations"/> operations, in
/// <see cref="Elapsed"/>; the failing schedule shrunk (null when its replay did not fail:
/// the failure came from state an earlier run left); and whether an exhaustive search
/// covered its whole space.
/// </summary>
public sealed record ExplorationResult(
    string Scenario,
    string Backend,
    StrategyKind Strategy,
    int Schedules,
    long Operations,
    TimeSpan Elapsed,
    RunOutcome? Failure,
    RunOutcome? Shrunk,
    bool Exhausted)
{
    /// <summary>Whether a failing schedule was found.</summary>
    public bool Found => Failure is not null;
}
