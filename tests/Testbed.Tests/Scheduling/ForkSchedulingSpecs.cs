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
/// fork under the controlled scheduler (docs/mutants.md, the scenario fork-vs-wp-fault): a
/// write fault on the parent's VMA without mmap_sem (speculative, or under the VMA's lock)
/// against dup_mmap, on every fault design and both backends; PCT finds no problem. Without
/// the parent's VMA write locks in dup_mmap (6.4's bug, fixed by "fork: lock VMAs of the parent
/// process when forking"; mutant fork-no-vma-lock and its managed twin), the fault copies a page
/// fork write-protected before the TLB flush, COW broken, and PCT finds it. Bounded by
/// schedule counts; a process per case.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class ForkSchedulingSpecs(ITestOutputHelper output)
{
    private const int Schedules = 300;
    private const string Scenario = "fork-vs-wp-fault";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in new[] { AddressSpaceFactory.Native, AddressSpaceFactory.Managed })
        {
            foreach (var config in ScenarioCatalog.FaultDesigns)
                data.Add(backend, config);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Pct_finds_no_problem_when_fork_races_a_write_fault_on_the_parent(string backend, string config) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoProblem), backend, config);

    private static void NoProblem(string backend, string config)
    {
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(Scenario), config);
        var pct = new Explorer(AddressSpaceFactory.Default, backend).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: Schedules);
        Assert.False(pct.Found, $"PCT on {config} ({backend}): {string.Join("; ", pct.Failure?.Problems ?? [])}; " +
            $"replay: ./scripts/testbed pct --backend {backend} --config {config} --scenario {Scenario} --replay {pct.Shrunk?.Run.Schedule}");
        Assert.Equal(Schedules, pct.Schedules);
    }

    [Fact]
    public Task Pct_finds_a_fork_that_copies_the_parent_without_its_vma_write_locks() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound));

    private static void MutantFound()
    {
        var factory = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyMutant = ManagedMutant.ForkUnlocked });
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(Scenario), "mmu-pvl");
        var pct = new Explorer(factory, AddressSpaceFactory.Managed).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(pct.Found, $"PCT missed dup_mmap without vma_start_write on {Scenario} in 1000 schedules (seed 1)");
        Assert.Contains(pct.Failure!.Problems, p => p.Contains("COW broken", StringComparison.Ordinal));
        Console.WriteLine($"{Scenario}: found after {pct.Schedules} schedules; replay: ./scripts/testbed pct --mutant managed-fork-no-vma-lock " +
            $"--config mmu-pvl --scenario {Scenario} --replay {pct.Shrunk?.Run.Schedule}");
    }
}
