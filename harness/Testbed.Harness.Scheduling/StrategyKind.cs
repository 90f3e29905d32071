// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>How an exploration picks its schedules.</summary>
public enum StrategyKind
{
    /// <summary>PCT with a priority-change depth (<see cref="PctStrategy"/>).</summary>
    Pct,

    /// <summary>A uniformly random runnable thread at every decision.</summary>
    Random,

    /// <summary>Every schedule with at most the preemption bound, depth first.</summary>
    Exhaustive,

    /// <summary>No control: real threads, the OS scheduling (<see cref="StressBaseline"/>).</summary>
    Stress,
}
