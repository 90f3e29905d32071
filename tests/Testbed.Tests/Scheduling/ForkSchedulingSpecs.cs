// SPDX-License-Identifier: GPL-2.0-only
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

    [Theory]
    [MemberData(nameof(ScenarioPct.FaultDesignCases), MemberType = typeof(ScenarioPct))]
    public Task Pct_finds_no_problem_when_fork_races_a_write_fault_on_the_parent(string backend, string config) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoProblem), backend, config);

    private static void NoProblem(string backend, string config) =>
        ScenarioPct.AssertClean(Scenario, backend, config, Schedules);

    [Fact]
    public Task Pct_finds_a_fork_that_copies_the_parent_without_its_vma_write_locks() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound));

    private static void MutantFound() =>
        ScenarioPct.AssertFinds(Scenario, ManagedMutant.ForkUnlocked, "managed-fork-no-vma-lock", "COW broken");
}
