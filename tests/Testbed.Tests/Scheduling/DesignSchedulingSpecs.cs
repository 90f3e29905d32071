// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Managed;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The controlled scheduler on the RCU designs (mmu-spf-rcu, mmu-pvl) and mmu-vmrefcnt, both backends: the
/// speculative fault against munmap, explored by PCT and by the bounded exhaustive search;
/// no schedule finds a problem, and in none does a thread reach synchronize_rcu (munmap
/// hands the VMA to call_rcu: no grace period inside the write section). Then freeing without a grace period (the managed port's test-only switch on
/// each design, the native test-only library mmu-rcu-nogp) is found by PCT, and the shrunk
/// schedule replays. Bounded by schedule counts, never by time; each case in a process of
/// its own (<see cref="IsolatedSpec"/>).
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class DesignSchedulingSpecs(ITestOutputHelper output)
{
    private const string Scenario = "spf-vs-munmap";

    [Theory]
    [InlineData(AddressSpaceFactory.Native, "mmu-spf-rcu")]
    [InlineData(AddressSpaceFactory.Managed, "mmu-spf-rcu")]
    [InlineData(AddressSpaceFactory.Native, "mmu-pvl")]
    [InlineData(AddressSpaceFactory.Managed, "mmu-pvl")]
    [InlineData(AddressSpaceFactory.Native, "mmu-vmrefcnt")]
    [InlineData(AddressSpaceFactory.Managed, "mmu-vmrefcnt")]
    public Task Pct_and_the_bounded_search_find_no_violation_in_the_munmap_scenario(string backend, string config) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoViolation), backend, config);

    private static void NoViolation(string backend, string config)
    {
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(Scenario), config);
        Assert.Equal(config, scenario.Config);
        var explorer = new Explorer(AddressSpaceFactory.Default, backend);

        var pct = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 300);
        Assert.False(pct.Found, $"PCT on {config} ({backend}): {string.Join("; ", pct.Failure?.Problems ?? [])}; " +
            $"replay: ./scripts/testbed pct --backend {backend} --config {config} --scenario {Scenario} --replay {pct.Shrunk?.Run.Schedule}");
        Assert.Equal(300, pct.Schedules);

        // The bounded exhaustive search (preemption bound 2), run by hand to hold every
        // schedule to "no grace period": no RCU_SYNC point, whoever reaches it.
        var search = new BoundedSearch(2);
        var schedules = 0;
        using (SchedulerHooks.Install(backend, config))
        {
            while (search.Next() is { } strategy)
            {
                Assert.True(++schedules <= 5000, $"the preemption-bound-2 search on {config} ({backend}) did not exhaust in 5000 schedules");
                var run = explorer.RunOnce(scenario, strategy);
                search.Record(run.Run);
                Assert.False(run.Failed, $"bounded search on {config} ({backend}), schedule {run.Run.Schedule}: " +
                    $"{string.Join("; ", run.Problems)}; replay: ./scripts/testbed pct --backend {backend} --config {config} " +
                    $"--scenario {Scenario} --replay {run.Run.Schedule}");
                Assert.False(run.Run.Decisions.Any(d => d.Point == SchedPoint.RcuSync),
                    $"schedule {run.Run.Schedule} on {config} ({backend}) reached synchronize_rcu; replay: ./scripts/testbed pct " +
                    $"--backend {backend} --config {config} --scenario {Scenario} --replay {run.Run.Schedule}");
            }
        }
        Console.WriteLine($"{Scenario} on {config} ({backend}): PCT {pct.Schedules} schedules clean; preemption bound 2 " +
            $"exhausted after {schedules} schedules, none with a grace period");
    }

    [Theory]
    [InlineData(AddressSpaceFactory.Managed, "mmu-spf-rcu")]
    [InlineData(AddressSpaceFactory.Managed, "mmu-pvl")]
    [InlineData(AddressSpaceFactory.Native, "mmu-rcu-nogp")]
    public Task Pct_finds_a_vma_freed_without_a_grace_period_with_a_replayable_schedule(string backend, string config) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(FreeWithoutGracePeriod), backend, config);

    private static void FreeWithoutGracePeriod(string backend, string config)
    {
        var factory = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyFreeWithoutGracePeriod = true });
        // The native break is a test-only library of its own; the managed one a switch on the design.
        var scenario = backend == AddressSpaceFactory.Native
            ? ScenarioCatalog.Find(Scenario) with { Config = config }
            : ScenarioCatalog.OnConfig(ScenarioCatalog.Find(Scenario), config);
        var explorer = new Explorer(factory, backend);

        var found = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(found.Found, $"PCT missed the free without a grace period on {config} ({backend}) in 1000 schedules (seed 1)");
        var failing = found.Failure!;
        Console.WriteLine($"{config} ({backend}): found after {found.Schedules} schedules: {string.Join("; ", failing.Problems)}");
        Assert.Contains(failing.Problems, p => p.Contains("use after free", StringComparison.Ordinal)
            || p.Contains("freed", StringComparison.Ordinal));

        var shrunk = found.Shrunk ?? throw new Xunit.Sdk.XunitException($"the failing schedule {failing.Run.Schedule} did not replay");
        var replay = explorer.Replay(scenario, shrunk.Run.Schedule);
        Assert.True(replay.Failed, $"the shrunk schedule {shrunk.Run.Schedule} does not fail on replay");
        Assert.Equal(shrunk.Run.Trace, replay.Run.Trace);
        Console.WriteLine($"replay: {shrunk.Run.Schedule}");
    }
}
