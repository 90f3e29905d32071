// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Harness.Backends;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// Explores the schedules of one scenario on one backend with the controlled scheduler:
/// PCT (seeded, depth d), random walk (seeded), or exhaustive with a preemption bound.
/// Stops at the first run whose end state fails, shrinks that schedule, and returns both.
/// The hook is installed for the exploration's length; one exploration at a time.
/// </summary>
public sealed class Explorer(AddressSpaceFactory factory, string backend)
{
    /// <summary>Runs <paramref name="scenario"/> once under <paramref name="strategy"/> and checks its end state.</summary>
    public RunOutcome RunOnce(PctScenario scenario, ISchedulingStrategy strategy)
    {
        var mm = factory.Create(backend, scenario.Config);
        try
        {
            var bodies = scenario.Start(mm);
            var run = ControlledScheduler.Run(bodies, strategy);
            var problems = new List<string>();
            if (run.SchedulerFailure is { } why)
                problems.Add($"scheduler: {why}");
            problems.AddRange(run.Errors.Select((e, t) => e is null ? null : $"thread {t} threw {e.GetType().Name}: {e.Message}")
                .OfType<string>());
            if (run.SchedulerFailure is null)
                problems.AddRange(EndState.Check(mm, scenario));
            return new RunOutcome(run, problems);
        }
        finally
        {
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
        using var hooks = SchedulerHooks.Install(backend, scenario.Config);
        var clock = Stopwatch.StartNew();
        var threads = 0;
        var steps = 1;
        var exhaustive = kind == StrategyKind.Exhaustive ? new BoundedSearch(preemptionBound) : null;
        for (var i = 0; i < maxSchedules; i++)
        {
            ISchedulingStrategy strategy;
            if (exhaustive is not null)
            {
                if (exhaustive.Next() is not { } prefix)
                    return Result(i, null, null, exhausted: true);
                strategy = prefix;
            }
            else if (i == 0 || threads == 0)
            {
                // The first run takes the default schedule: it also measures the run's length for PCT.
                strategy = new ReplayStrategy(new Schedule(1, []));
            }
            else
            {
                var random = SplitMix64.Derive(seed, (ulong)i);
                strategy = kind == StrategyKind.Pct
                    ? new PctStrategy(threads, depth, steps, random)
                    : new RandomWalkStrategy(random);
            }
            var outcome = RunOnce(scenario, strategy);
            threads = outcome.Run.Threads;
            steps = Math.Max(steps, outcome.Run.Decisions.Count);
            exhaustive?.Record(outcome.Run);
            if (outcome.Failed)
            {
                var elapsed = clock.Elapsed;
                // Shrink only what replays: a failure carried over from an earlier run
                // (global state a mutant corrupted, found later by the quarantine check)
                // is reported without a schedule.
                var again = RunOnce(scenario, new ReplayStrategy(outcome.Run.Schedule));
                var shrunk = again.Failed ? new Shrinker(this, scenario, shrinkRuns).Shrink(again) : null;
                return Result(i + 1, outcome, shrunk, exhausted: false, elapsed);
            }
        }
        return Result(maxSchedules, null, null, exhausted: false);

        ExplorationResult Result(int schedules, RunOutcome? failure, RunOutcome? shrunk, bool exhausted, TimeSpan? at = null) =>
            new(scenario.Name, backend, kind, schedules, (long)schedules * scenario.Operations, at ?? clock.Elapsed,
                failure, shrunk, exhausted);
    }
}
