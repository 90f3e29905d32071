// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// Schedule <see cref="Index"/> of a seeded exploration: its run, and when it failed, the
/// failing schedule shrunk (null when it passed, or when its replay did not fail: the
/// failure came from state an earlier run left). <see cref="Elapsed"/> is the run's time,
/// without the shrinking.
/// </summary>
public sealed record ScheduleOutcome(int Index, RunOutcome Outcome, RunOutcome? Shrunk, TimeSpan Elapsed);
