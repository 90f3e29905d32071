// SPDX-License-Identifier: GPL-2.0-only
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
        foreach (var (backend, config) in ScenarioPct.FaultDesignsOnBothBackends())
        {
            data.Add(backend, config, "stack-vs-munmap");
            data.Add(backend, config, "stack-vs-mprotect");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Pct_finds_no_problem_when_a_stack_grows_under_a_racing_fault_and_neighbour(string backend, string config, string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(NoProblem), backend, config, scenario);

    private static void NoProblem(string backend, string config, string name) =>
        ScenarioPct.AssertClean(name, backend, config, Schedules);

    [Theory]
    [InlineData("stack-vs-munmap")]
    [InlineData("stack-vs-mprotect")]
    public Task Pct_finds_a_stack_expanded_without_its_vma_write_lock(string scenario) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MutantFound), scenario);

    private static void MutantFound(string name) =>
        ScenarioPct.AssertFinds(name, ManagedMutant.ExpandStackUnlocked, "managed-expand-stack-no-vma-lock",
            "expanded without vma_start_write");
}
