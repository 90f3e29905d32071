// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Managed;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// 6.15's typesafe VMA cache under the controlled scheduler (mmu-vmrefcnt): a fault holding a
/// stale pointer while its VMA is freed and reused at once, by another mm at the same address
/// (vma-reuse-vs-fault) or by its own mm elsewhere (vma-reuse-in-mm-vs-fault). The design's
/// re-checks keep both clean on both backends; without one of them PCT finds the break with a
/// schedule that replays, and without the writer's wait for readers it finds the VMA freed
/// still counted (the managed switches; the native patches are the same mutants,
/// native/mutants/vmrefcnt-*.patch). That last break's damage, a free VMA with a count, stays
/// in the typesafe cache for the runs after it, so its shrunk schedule is not asked to replay.
/// Each spec runs in a process of its own (<see cref="IsolatedSpec"/>): the typesafe cache is
/// process-wide, and another test's allocation would take the VMA the scenario frees.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class VmaReuseSchedulingSpecs(ITestOutputHelper output)
{
    private const string Config = "mmu-vmrefcnt";

    [Theory]
    [InlineData(AddressSpaceFactory.Native, "vma-reuse-vs-fault")]
    [InlineData(AddressSpaceFactory.Managed, "vma-reuse-vs-fault")]
    [InlineData(AddressSpaceFactory.Native, "vma-reuse-in-mm-vs-fault")]
    [InlineData(AddressSpaceFactory.Managed, "vma-reuse-in-mm-vs-fault")]
    public Task Pct_finds_no_violation_when_the_fault_rechecks_the_reused_vma(string backend, string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoViolation), backend, scenario);

    private static void NoViolation(string backend, string name)
    {
        var scenario = ScenarioCatalog.Find(name);
        Assert.Equal(Config, scenario.Config);
        var result = new Explorer(AddressSpaceFactory.Default, backend).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.False(result.Found, $"PCT on {name} ({backend}): {string.Join("; ", result.Failure?.Problems ?? [])}; " +
            $"replay: ./scripts/testbed pct --backend {backend} --scenario {name} --replay {result.Shrunk?.Run.Schedule}");
        Assert.Equal(1000, result.Schedules);
    }

    [Theory]
    [InlineData(nameof(ManagedMutant.VmRefcntNoMmRecheck), "vma-reuse-vs-fault")]
    [InlineData(nameof(ManagedMutant.VmRefcntNoRangeRecheck), "vma-reuse-in-mm-vs-fault")]
    public Task Pct_finds_each_vm_refcnt_break_with_a_replayable_schedule(string mutant, string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(BreakFound), mutant, scenario);

    private static void BreakFound(string mutant, string name)
    {
        var options = new ManagedOptions { TestOnlyMutant = Enum.Parse<ManagedMutant>(mutant) };
        var explorer = new Explorer(AddressSpaceFactory.Default.WithManagedOptions(options), AddressSpaceFactory.Managed);
        var scenario = ScenarioCatalog.Find(name);

        var found = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);

        Assert.True(found.Found, $"PCT missed {mutant} in {name} in 1000 schedules (seed 1)");
        Console.WriteLine($"{mutant}: found after {found.Schedules} schedules: {string.Join("; ", found.Failure!.Problems)}");
        var shrunk = found.Shrunk ?? throw new Xunit.Sdk.XunitException($"the failing schedule {found.Failure.Run.Schedule} did not replay");
        var replay = explorer.Replay(scenario, shrunk.Run.Schedule);
        Assert.True(replay.Failed, $"the shrunk schedule {shrunk.Run.Schedule} of {mutant} does not fail on replay");
        Console.WriteLine($"replay: {shrunk.Run.Schedule}");
    }

    [Fact]
    public Task Pct_finds_a_writer_that_does_not_wait_for_the_readers() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(WriterNoWaitFound));

    private static void WriterNoWaitFound()
    {
        var options = new ManagedOptions { TestOnlyMutant = ManagedMutant.VmRefcntWriterNoWait };
        var explorer = new Explorer(AddressSpaceFactory.Default.WithManagedOptions(options), AddressSpaceFactory.Managed);

        var found = explorer.Explore(ScenarioCatalog.Find("vma-reuse-vs-fault"), StrategyKind.Pct, seed: 1, maxSchedules: 1000);

        Assert.True(found.Found, "PCT missed the writer that does not wait for readers in 1000 schedules (seed 1)");
        Assert.Contains(found.Failure!.Problems, p => p.Contains("still counted", StringComparison.Ordinal));
    }
}
