// SPDX-License-Identifier: GPL-2.0-only
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

    [Theory]
    [MemberData(nameof(ScenarioPct.FaultDesignCases), MemberType = typeof(ScenarioPct))]
    public Task Pct_finds_no_problem_when_a_merge_imports_an_anon_vma_under_a_racing_fault(string backend, string config) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoProblem), backend, config);

    private static void NoProblem(string backend, string config) =>
        ScenarioPct.AssertClean(Scenario, backend, config, Schedules);

    [Fact]
    public Task Pct_finds_an_anon_vma_imported_before_the_vma_write_lock() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound));

    private static void MutantFound() =>
        ScenarioPct.AssertFinds(Scenario, ManagedMutant.MergeImportUnlocked, "managed-merge-import-no-vma-lock",
            "does not link yet: set without vma_start_write");
}
