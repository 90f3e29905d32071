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
/// Stack growth under the controlled scheduler (docs/mutants.md, the scenarios
/// stack-vs-munmap and stack-vs-mprotect): a fault below a MAP_GROWSDOWN stack against a
/// fault inside it and a change of the neighbour whose guard gap blocks the expansion, on
/// every fault design and both backends; PCT finds no problem. Without the VMA write lock
/// in expand_downwards (6.4's bug, fixed by "mm: lock a vma before stack expansion"; the
/// managed twin of mutant expand-stack-no-vma-lock), the fault holding the stack's VMA lock
/// sees its bounds move and PCT finds it. Bounded by schedule counts; a process per case.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class StackGrowthSchedulingSpecs(ITestOutputHelper output)
{
    private const int Schedules = 300;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var backend in new[] { AddressSpaceFactory.Native, AddressSpaceFactory.Managed })
        {
            foreach (var config in ScenarioCatalog.FaultDesigns)
            {
                data.Add(backend, config, "stack-vs-munmap");
                data.Add(backend, config, "stack-vs-mprotect");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Pct_finds_no_problem_when_a_stack_grows_under_a_racing_fault_and_neighbour(string backend, string config, string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoProblem), backend, config, scenario);

    private static void NoProblem(string backend, string config, string name)
    {
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(name), config);
        var explorer = new Explorer(AddressSpaceFactory.Default, backend);
        var pct = explorer.Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: Schedules);
        Assert.False(pct.Found, $"PCT on {config} ({backend}): {string.Join("; ", pct.Failure?.Problems ?? [])}; " +
            $"replay: ./scripts/testbed pct --backend {backend} --config {config} --scenario {name} --replay {pct.Shrunk?.Run.Schedule}");
        Assert.Equal(Schedules, pct.Schedules);
    }

    [Theory]
    [InlineData("stack-vs-munmap")]
    [InlineData("stack-vs-mprotect")]
    public Task Pct_finds_a_stack_expanded_without_its_vma_write_lock(string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound), scenario);

    private static void MutantFound(string name)
    {
        var factory = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyMutant = ManagedMutant.ExpandStackUnlocked });
        var scenario = ScenarioCatalog.OnConfig(ScenarioCatalog.Find(name), "mmu-pvl");
        var pct = new Explorer(factory, AddressSpaceFactory.Managed).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(pct.Found, $"PCT missed expand_downwards without vma_start_write on {name} in 1000 schedules (seed 1)");
        Assert.Contains(pct.Failure!.Problems, p => p.Contains("expanded without vma_start_write", StringComparison.Ordinal));
        Console.WriteLine($"{name}: found after {pct.Schedules} schedules; replay: ./scripts/testbed pct --mutant managed-expand-stack-no-vma-lock " +
            $"--config mmu-pvl --scenario {name} --replay {pct.Shrunk?.Run.Schedule}");
    }
}
