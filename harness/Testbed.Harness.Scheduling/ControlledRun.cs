// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// What one controlled run did: its decisions, each thread's exception (null: returned),
/// and why control ended early (null: every thread finished under control).
/// </summary>
public sealed record ControlledRun(int Threads, IReadOnlyList<Decision> Decisions, IReadOnlyList<Exception?> Errors, string? SchedulerFailure)
{
    /// <summary>The exact schedule of this run.</summary>
    public Schedule Schedule => Schedule.FromDecisions(Threads, Decisions);

    /// <summary>Decisions that stopped a thread which could have gone on.</summary>
    public int Preemptions => Decisions.Count(d => d.IsPreemption);

    /// <summary>The run's trace, one decision a line: what a replay must reproduce.</summary>
    public string Trace => string.Join('\n', Decisions);
}
