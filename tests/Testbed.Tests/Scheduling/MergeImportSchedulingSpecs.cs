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
/// A merge that imports an anon_vma under the controlled scheduler (docs/mutants.md, the
/// scenario merge-import-vs-fault): a write fault on a VMA without an anon_vma against the
/// mprotect that merges the next two VMAs into it and gives it the third's anon_vma, on every
/// fault design and both backends; PCT finds no problem. Setting the anon_vma before
/// vma_start_write (6.4's dup_anon_vma, fixed by "mm: lock VMA in dup_anon_vma() before
/// setting -&gt;anon_vma"; the managed twin of mutant merge-import-no-vma-lock) lets a fault lock
/// the VMA and install under an anon_vma the VMA does not link yet, and PCT finds it. Bounded
/// by schedule counts; a process per case.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class MergeImportSchedulingSpecs(ITestOutputHelper output)
{
    private const string Scenario = "merge-import-vs-fault";
    private const int Schedules = 300;

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
    public Task Pct_finds_no_problem_when_a_merge_imports_an_anon_vma_under_a_racing_fault(string backend, string config) =>
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
    public Task Pct_finds_an_anon_vma_imported_before_the_vma_write_lock() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound));

    private static void MutantFound()
    {
        var factory = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyMutant = ManagedMutant.MergeImportUnlocked });
        var scenario = ScenarioCatalog.Find(Scenario);
        var pct = new Explorer(factory, AddressSpaceFactory.Managed).Explore(scenario, StrategyKind.Pct, seed: 1, maxSchedules: 1000);
        Assert.True(pct.Found, $"PCT missed the anon_vma imported before vma_start_write in 1000 schedules (seed 1)");
        Assert.Contains(pct.Failure!.Problems, p => p.Contains("does not link yet: set without vma_start_write", StringComparison.Ordinal));
        Console.WriteLine($"found after {pct.Schedules} schedules; replay: ./scripts/testbed pct --mutant managed-merge-import-no-vma-lock " +
            $"--scenario {Scenario} --replay {pct.Shrunk?.Run.Schedule}");
    }
}
