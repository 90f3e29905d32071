// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Seeded;
using Testbed.Managed;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The controlled scheduler on the real backends: one thread at a time, blocking locks
/// handed over through the BLOCKED point instead of deadlocking, exact replay of a
/// schedule, exhaustive search that terminates, and PCT finding a seeded mutant of the
/// managed port at a fixed schedule count for a fixed seed (counts, never time). The specs
/// that race native code run in a process of their own (<see cref="IsolatedSpec"/>).
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class ControlledSchedulerSpecs(ITestOutputHelper output)
{
    private static readonly AddressSpaceFactory Mutated =
        AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyMutant = ManagedMutant.GetVmaRefAfterUnlock });

    public static TheoryData<string> Backends => new() { AddressSpaceFactory.Native, AddressSpaceFactory.Managed };

    [Theory]
    [MemberData(nameof(Backends))]
    public Task Random_walks_finish_every_scenario_with_contended_locks_handed_over(string backend) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(RandomWalks), backend);

    private static void RandomWalks(string backend)
    {
        var explorer = new Explorer(AddressSpaceFactory.Default, backend);
        var blocked = 0;
        foreach (var scenario in ScenarioCatalog.All.Where(s => AddressSpaceFactory.Default.IsAvailable(backend, s.Config)))
        {
            using var hooks = SchedulerHooks.Install(backend, scenario.Config);
            for (var i = 0; i < 40; i++)
            {
                var outcome = explorer.RunOnce(scenario, new RandomWalkStrategy(SplitMix64.Derive(7, (ulong)i)));
                Assert.False(outcome.Failed,
                    $"{scenario.Name} ({backend}) failed under random schedule {outcome.Run.Schedule}: {string.Join("; ", outcome.Problems)}\n" +
                    $"replay: ./scripts/testbed pct --backend {backend} --scenario {scenario.Name} --replay {outcome.Run.Schedule}");
                blocked += outcome.Run.Decisions.Count(d => d.Point is { } p && SchedHook.IsBlocked(p));
            }
        }
        Assert.True(blocked > 0, "no run ever reported a thread blocked on a lock: the blocking protocol was not exercised");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public Task Replaying_a_schedule_reruns_the_same_decisions(string backend) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(ReplaySameDecisions), backend);

    private static void ReplaySameDecisions(string backend)
    {
        var scenario = ScenarioCatalog.Find("two-writers-and-a-fault");
        var explorer = new Explorer(AddressSpaceFactory.Default, backend);
        using var hooks = SchedulerHooks.Install(backend, scenario.Config);
        var first = explorer.RunOnce(scenario, new PctStrategy(3, 3, 60, new SplitMix64(11)));
        Assert.True(first.Run.Preemptions > 0, $"PCT schedule {first.Run.Schedule} preempted nothing; pick another seed");
        var again = explorer.RunOnce(scenario, new ReplayStrategy(first.Run.Schedule));
        Assert.Equal(first.Run.Trace, again.Run.Trace);
        Assert.Equal(first.Run.Schedule.ToString(), again.Run.Schedule.ToString());
    }

    [Fact]
    public Task Pct_depth_one_never_preempts() => IsolatedSpec.RunAsync(output, GetType(), nameof(DepthOne));

    private static void DepthOne()
    {
        var scenario = ScenarioCatalog.Find("two-writers-and-a-fault");
        var explorer = new Explorer(AddressSpaceFactory.Default, AddressSpaceFactory.Native);
        using var hooks = SchedulerHooks.Install(AddressSpaceFactory.Native, scenario.Config);
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var run = explorer.RunOnce(scenario, new PctStrategy(3, 1, 60, new SplitMix64(seed))).Run;
            Assert.Equal(0, run.Preemptions);
        }
    }

    [Fact]
    public Task Bounded_search_exhausts_and_a_larger_bound_explores_more() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(BoundedSearchExhausts));

    private static void BoundedSearchExhausts()
    {
        var scenario = ScenarioCatalog.Find("spf-vs-mprotect");
        var explorer = new Explorer(AddressSpaceFactory.Default, AddressSpaceFactory.Native);
        var counts = new List<int>();
        for (var bound = 0; bound <= 2; bound++)
        {
            var result = explorer.Explore(scenario, StrategyKind.Exhaustive, 1, 5000, preemptionBound: bound);
            Assert.False(result.Found, $"bound {bound}: {string.Join("; ", result.Failure?.Problems ?? [])}");
            Assert.True(result.Exhausted, $"bound {bound} did not exhaust in 5000 schedules");
            counts.Add(result.Schedules);
        }
        Assert.True(counts[0] < counts[1] && counts[1] < counts[2], $"schedules per bound 0..2: {string.Join(", ", counts)}");
    }

    [Fact]
    public void Pct_finds_the_late_reference_mutant_at_the_same_schedule_every_time()
    {
        var scenario = ScenarioCatalog.Find("spf-vs-munmap");
        var explorer = new Explorer(Mutated, AddressSpaceFactory.Managed);
        var first = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        var second = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);

        Assert.True(first.Found, $"PCT missed get_vma's late reference in 1000 schedules (seed 1)");
        Assert.Equal(first.Schedules, second.Schedules);
        Assert.Equal(first.Failure!.Run.Schedule.ToString(), second.Failure!.Run.Schedule.ToString());
        Assert.Contains(first.Failure.Problems, p => p.Contains("GetVma", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_schedule_replays_exactly_and_shrinking_never_lengthens_it()
    {
        var scenario = ScenarioCatalog.Find("spf-vs-munmap");
        var explorer = new Explorer(Mutated, AddressSpaceFactory.Managed);
        var found = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(found.Found, "PCT missed the seeded mutant");
        var failing = found.Failure!;
        var shrunk = found.Shrunk ?? throw new Xunit.Sdk.XunitException("the failing schedule did not replay");

        var replay = explorer.Replay(scenario, failing.Run.Schedule);
        Assert.True(replay.Failed, $"replay of {failing.Run.Schedule} passed");
        Assert.Equal(failing.Run.Trace, replay.Run.Trace);
        Assert.Equal(failing.Problems, replay.Problems);

        Assert.True(shrunk.Run.Preemptions <= failing.Run.Preemptions);
        Assert.True(shrunk.Run.Schedule.Switches.Count <= failing.Run.Schedule.Switches.Count);
        Assert.True(shrunk.Run.Schedule.Length <= failing.Run.Schedule.Length,
            $"shrunk {shrunk.Run.Schedule} is longer than {failing.Run.Schedule}");
        var shrunkReplay = explorer.Replay(scenario, shrunk.Run.Schedule);
        Assert.True(shrunkReplay.Failed, $"the shrunk schedule {shrunk.Run.Schedule} does not fail");
        Assert.Equal(shrunk.Run.Trace, shrunkReplay.Run.Trace);
    }

    [Fact]
    public void A_run_ends_with_a_scheduler_failure_instead_of_hanging_when_every_thread_is_blocked()
    {
        // A lock-order cycle as two lock shims would report it under the blocking protocol:
        // each thread holds one object and keeps retrying the other's.
        var first = new object();
        var second = new object();
        var strategy = new ReplayStrategy(Schedule.Parse("2:2>1"));
        var run = ControlledScheduler.Run(
        [
            () => Deadlock(first, second),
            () => Deadlock(second, first),
        ], strategy);
        Assert.NotNull(run.SchedulerFailure);
        Assert.StartsWith("deadlock", run.SchedulerFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_thread_may_wait_longer_than_the_watchdog_for_its_turn_while_the_others_make_decisions()
    {
        // t0 keeps the turn (the default policy) for about three watchdogs, reaching a point
        // every 10 ms; t1 waits all that time. Before 2026-12-05 the watchdog timed each
        // thread's wait, and a turn that legitimately came late (192 threads of malloc1 in
        // `simulate`) ended control.
        var watchdog = TimeSpan.FromSeconds(1);
        var line = new object();
        var run = ControlledScheduler.Run(
        [
            () =>
            {
                for (var i = 0; i < 300; i++)
                {
                    ControlledScheduler.OnPoint(SchedPoint.Atomic, line);
                    Thread.Sleep(10);
                }
            },
            () => ControlledScheduler.OnPoint(SchedPoint.Atomic, line),
        ], new ReplayStrategy(Schedule.Parse("2:")), watchdog: watchdog);
        Assert.Null(run.SchedulerFailure);
    }

    [Fact]
    public void The_watchdog_ends_a_run_whose_running_thread_stops_reaching_points()
    {
        var watchdog = TimeSpan.FromSeconds(1);
        var line = new object();
        var run = ControlledScheduler.Run(
        [
            () =>
            {
                ControlledScheduler.OnPoint(SchedPoint.Atomic, line);
                Thread.Sleep(watchdog * 3);
                ControlledScheduler.OnPoint(SchedPoint.Atomic, line);
            },
            () => ControlledScheduler.OnPoint(SchedPoint.Atomic, line),
        ], new ReplayStrategy(Schedule.Parse("2:")), watchdog: watchdog);
        Assert.NotNull(run.SchedulerFailure);
        Assert.StartsWith("watchdog: no scheduling decision", run.SchedulerFailure, StringComparison.Ordinal);
        Assert.Contains("t0 blocked outside", run.SchedulerFailure, StringComparison.Ordinal);
    }

    /// <summary>
    /// Holds <paramref name="mine"/> and retries <paramref name="theirs"/> through the blocking
    /// protocol, as a lock shim does, a bounded number of times (the scheduler lets go long before).
    /// </summary>
    private static void Deadlock(object mine, object theirs)
    {
        ControlledScheduler.OnPoint(SchedPoint.Lock, mine);
        ControlledScheduler.OnPoint(SchedPoint.Lock, theirs);
        for (var i = 0; i < 100; i++)
            ControlledScheduler.OnPoint(SchedPoint.Blocked, theirs);
    }
}
