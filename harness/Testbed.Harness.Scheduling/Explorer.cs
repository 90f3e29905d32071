// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// Explores the schedules of one scenario on one backend with the controlled scheduler:
/// PCT (seeded, depth d), random walk (seeded), or exhaustive with a preemption bound.
/// Stops at the first run whose end state fails, shrinks that schedule, and returns both.
/// A seeded (PCT, random) schedule depends on the seed and its index only
/// (<see cref="Schedules"/>), so an exploration can be cut into shards.
/// The hook is installed for the exploration's length; one exploration at a time.
/// </summary>
public sealed class Explorer(AddressSpaceFactory factory, string backend)
{
    /// <summary>Runs <paramref name="scenario"/> once under <paramref name="strategy"/> and checks its end state.</summary>
    public RunOutcome RunOnce(PctScenario scenario, ISchedulingStrategy strategy)
    {
        var mm = factory.Create(backend, scenario.Config);
        IAddressSpace? peer = null;
        try
        {
            (var bodies, peer) = scenario.Begin(mm, () => factory.Create(backend, scenario.Config));
            var run = ControlledScheduler.Run(bodies, strategy);
            var problems = new List<string>();
            if (run.SchedulerFailure is { } why)
                problems.Add($"scheduler: {why}");
            problems.AddRange(run.Errors.Select((e, t) => e is null ? null : $"thread {t} threw {e.GetType().Name}: {e.Message}")
                .OfType<string>());
            if (run.SchedulerFailure is null)
                problems.AddRange(EndState.Check(mm, scenario, run, peer));
            return new RunOutcome(run, problems);
        }
        finally
        {
            peer?.Dispose();
            mm.Dispose();
        }
    }

    /// <summary>Replays <paramref name="schedule"/> once.</summary>
    public RunOutcome Replay(PctScenario scenario, Schedule schedule)
    {
        using var hooks = SchedulerHooks.Install(backend, scenario.Config);
        return RunOnce(scenario, new ReplayStrategy(schedule));
    }

    /// <summary>
    /// Tries up to <paramref name="maxSchedules"/> schedules; the first failure is replayed and,
    /// when the replay fails too, shrunk with at most <paramref name="shrinkRuns"/> replays
    /// (<see cref="ExplorationResult.Shrunk"/> stays null when it does not replay).
    /// Deterministic for a seed.
    /// </summary>
    public ExplorationResult Explore(PctScenario scenario, StrategyKind kind, ulong seed, int maxSchedules,
        int depth = 3, int preemptionBound = 2, int shrinkRuns = 200)
    {
        if (kind == StrategyKind.Exhaustive)
            return ExploreExhaustive(scenario, maxSchedules, preemptionBound, shrinkRuns);
        var elapsed = TimeSpan.Zero;
        foreach (var schedule in Schedules(scenario, kind, seed, Enumerable.Range(0, maxSchedules), depth, shrinkRuns))
        {
            elapsed += schedule.Elapsed;
            if (schedule.Outcome.Failed)
            {
                return new(scenario.Name, backend, kind, schedule.Index + 1, (long)(schedule.Index + 1) * scenario.Operations,
                    elapsed, schedule.Outcome, schedule.Shrunk, Exhausted: false);
            }
        }
        return new(scenario.Name, backend, kind, maxSchedules, (long)maxSchedules * scenario.Operations, elapsed,
            null, null, Exhausted: false);
    }

    /// <summary>
    /// Runs the schedules <paramref name="indices"/> (ascending) of a PCT or random-walk
    /// exploration of <paramref name="scenario"/>, yielding each as it ends; a failing one is
    /// replayed and shrunk (at most <paramref name="shrinkRuns"/> replays) before it is yielded.
    /// Schedule 0 is the default schedule; schedule i &gt; 0 draws from the stream derived from
    /// (<paramref name="seed"/>, i), and PCT takes its thread count and length estimate from
    /// schedule 0's run (run first, uncounted, when 0 is not among the indices). So schedule i
    /// is a function of the scenario, the seed and i alone: any subset of the schedules (a
    /// shard) runs each exactly as a whole exploration does.
    /// The hook is installed while the enumeration runs.
    /// </summary>
    public IEnumerable<ScheduleOutcome> Schedules(PctScenario scenario, StrategyKind kind, ulong seed, IEnumerable<int> indices,
        int depth = 3, int shrinkRuns = 200)
    {
        if (kind is not (StrategyKind.Pct or StrategyKind.Random))
            throw new ArgumentException($"seeded schedules are pct or random, not {kind}", nameof(kind));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        using var hooks = SchedulerHooks.Install(backend, scenario.Config);
        ControlledRun? first = null;
        foreach (var i in indices)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            if (i > 0)
                first ??= RunOnce(scenario, DefaultSchedule()).Run;
            var clock = Stopwatch.StartNew();
            var outcome = RunOnce(scenario, i == 0 ? DefaultSchedule() : Strategy(kind, seed, i, first!, depth));
            first ??= outcome.Run;
            var elapsed = clock.Elapsed;
            yield return new ScheduleOutcome(i, outcome, outcome.Failed ? ShrinkIfItReplays(scenario, outcome, shrinkRuns) : null, elapsed);
        }
    }

    /// <summary>
    /// The shrunk form of a failing run, or null when its schedule does not fail again: a
    /// failure carried over from an earlier run (global state a mutant corrupted, found later by
    /// the quarantine check) is reported without a schedule.
    /// </summary>
    private RunOutcome? ShrinkIfItReplays(PctScenario scenario, RunOutcome failure, int shrinkRuns)
    {
        var again = RunOnce(scenario, new ReplayStrategy(failure.Run.Schedule));
        return again.Failed ? new Shrinker(this, scenario, shrinkRuns).Shrink(again) : null;
    }

    /// <summary>
    /// The strategy of schedule <paramref name="index"/> &gt; 0: PCT over <paramref name="first"/>'s
    /// threads with its decision count as the length estimate, or a random walk, both from the
    /// stream derived from (<paramref name="seed"/>, <paramref name="index"/>).
    /// </summary>
    private static ISchedulingStrategy Strategy(StrategyKind kind, ulong seed, int index, ControlledRun first, int depth)
    {
        if (first.Threads == 0)
            return DefaultSchedule();
        var random = SplitMix64.Derive(seed, (ulong)index);
        return kind == StrategyKind.Pct
            ? new PctStrategy(first.Threads, depth, Math.Max(1, first.Decisions.Count), random)
            : new RandomWalkStrategy(random);
    }

    /// <summary>The default schedule: schedule 0, which also measures the run's threads and length for PCT.</summary>
    private static ReplayStrategy DefaultSchedule() => new(new Schedule(1, []));

    /// <summary>
    /// The bounded-preemption search: each schedule's prefix follows from the runs before it
    /// (<see cref="BoundedSearch"/>), so it runs as one exploration, never in pieces.
    /// </summary>
    private ExplorationResult ExploreExhaustive(PctScenario scenario, int maxSchedules, int preemptionBound, int shrinkRuns)
    {
        using var hooks = SchedulerHooks.Install(backend, scenario.Config);
        var clock = Stopwatch.StartNew();
        var search = new BoundedSearch(preemptionBound);
        for (var i = 0; i < maxSchedules; i++)
        {
            if (search.Next() is not { } prefix)
                return Result(i, null, null, exhausted: true);
            var outcome = RunOnce(scenario, prefix);
            search.Record(outcome.Run);
            if (outcome.Failed)
            {
                var elapsed = clock.Elapsed;
                return Result(i + 1, outcome, ShrinkIfItReplays(scenario, outcome, shrinkRuns), exhausted: false, elapsed);
            }
        }
        return Result(maxSchedules, null, null, exhausted: false);

        ExplorationResult Result(int schedules, RunOutcome? failure, RunOutcome? shrunk, bool exhausted, TimeSpan? at = null) =>
            new(scenario.Name, backend, StrategyKind.Exhaustive, schedules, (long)schedules * scenario.Operations,
                at ?? clock.Elapsed, failure, shrunk, exhausted);
    }
}
