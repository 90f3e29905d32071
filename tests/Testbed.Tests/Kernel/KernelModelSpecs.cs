// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Workloads;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Kernel;

/// <summary>The model held to a real kernel: one QEMU boot, and a perturbed model on the host.</summary>
public sealed class KernelModelSpecs(ITestOutputHelper output)
{
    private const ulong W = 0x100000000;
    private const ulong P = 0x1000;

    /// <summary>
    /// One boot: 200 generated sequences of 20 operations, plus the hand-written
    /// <see cref="RegressionSequences"/> (each case where 4.16's and 6.1's mmap merge orders
    /// differ, mbind, stack growth, and fork), held against the managed port, which merges next first for 6.1 and
    /// so needs no named difference for it, and, on the same kernel output, the native model.
    /// </summary>
    [Fact]
    public async Task The_model_matches_Debian_6_1_under_QEMU_on_every_step_of_200_sequences()
    {
        QemuRequirement.Check();
        var sequences = new SequenceOptions().WithSeed(20180320).WithSequences(200).WithOpsPerSequence(20);
        var qemu = new QemuOptions().WithKernel(Debian61Kernel.Require()).WithTimeout(TimeSpan.FromSeconds(300));
        var generated = new SequenceGenerator(sequences).Generate();
        var batch = generated with { Sequences = [.. generated.Sequences, .. RegressionSequences.Sequences(200)] };
        string Replay(int i) => $"testbed kernel --seed {sequences.Seed} --only {i}";

        var (report, run, _, _) = await KernelCheck.RunBatchAsync(batch, KernelTarget.Qemu, qemu, ModelBackend.Managed(), "mmu-spf", Replay);

        output.WriteLine(report.ToTable());
        Assert.True(run.Report.Finished, run.ConsoleLog);
        Assert.StartsWith("6.1.", report.KernelRelease);
        Assert.Equal(batch.Sequences.Count, report.Sequences);
        Assert.Equal(batch.Sequences.Sum(s => s.Ops.Count + 1L), report.Operations);
        Assert.True(report.RaceTouches > 0, "the batch had no race step");
        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(report.Operations, report.Matches + report.KnownDifferences.Values.Sum());
        Assert.True(report.Mbinds > 0, "no mbind step");
        Assert.True(report.KnownDifferences[KnownDifference.MbindDefaultHeadHole.Name] >= 2);
        Assert.True(report.KnownDifferences[KnownDifference.ShmemSharedPolicy.Name] >= 1);
        AssertStackGrowth(report);
        AssertForks(report);
        foreach (var (name, n) in RegressionSequences.MergeOrder.GroupBy(r => r.Case).Select(g => (g.Key, g.Count())))
            Assert.True(report.RuleCases.GetValueOrDefault(name) >= n, $"{name}: {report.RuleCases.GetValueOrDefault(name)} < {n}");

        // the same kernel run, held against the native model too (no second boot)
        Assert.True(AddressSpaceFactory.Default.IsAvailable(AddressSpaceFactory.Native, "mmu-spf"),
            "the native mmu-spf library is not built (make -C native): the 6.1 run was compared with the managed port only");
        var native = new ModelComparer((config, flags) => AddressSpaceFactory.Default.Create(AddressSpaceFactory.Native, config, flags),
            "mmu-spf", KernelRules.For(report.KernelRelease)).Compare(batch, run.Report, Replay);
        output.WriteLine(native.ToTable());
        Assert.True(native.Passed, native.ToTable());
        Assert.Equal(report.KnownDifferences, native.KnownDifferences);
        Assert.Equal(report.RuleCases, native.RuleCases);
    }

    /// <summary>
    /// One boot of Debian's 6.12 (per-VMA locks, the maple tree, mm/vma.c): the same 200
    /// generated sequences and the hand-written ones, held against the managed port and the
    /// native model with 6.12's rules (<see cref="KernelRules.For"/>): 4.16's mmap merge order,
    /// so every merge-order sequence must match with no rule case counted for it, and 6.12's
    /// mprotect accounting, counted where 4.16's would have differed
    /// (<see cref="KernelRules.UnaccountCase"/>).
    /// </summary>
    [Fact]
    public async Task The_model_with_6_12s_rules_matches_Debian_6_12_under_QEMU_on_every_step_of_200_sequences()
    {
        QemuRequirement.Check();
        var sequences = new SequenceOptions().WithSeed(20180320).WithSequences(200).WithOpsPerSequence(20);
        var qemu = new QemuOptions().WithKernel(await Debian612Kernel.RequireAsync()).WithTimeout(TimeSpan.FromSeconds(300));
        var generated = new SequenceGenerator(sequences).Generate();
        var batch = generated with { Sequences = [.. generated.Sequences, .. RegressionSequences.Sequences(200)] };
        string Replay(int i) => $"testbed kernel --kernel-release 6.12 --seed {sequences.Seed} --only {i}";

        var (report, run, outcomes, _) = await KernelCheck.RunBatchAsync(batch, KernelTarget.Qemu, qemu, ModelBackend.Managed(), "mmu-spf", Replay);

        output.WriteLine(report.ToTable());
        Assert.True(run.Report.Finished, run.ConsoleLog);
        Assert.StartsWith("6.12.", report.KernelRelease);
        Assert.Equal(MmFlags.MprotectUnaccountUnfaulted, KernelRules.For(report.KernelRelease));
        // Debian's config has CONFIG_PER_VMA_LOCK but not CONFIG_PER_VMA_LOCK_STATS: no vma_lock_* counters
        Assert.Null(report.VmaLock);
        Assert.Equal(batch.Sequences.Count, report.Sequences);
        Assert.Equal(batch.Sequences.Sum(s => s.Ops.Count + 1L), report.Operations);
        Assert.True(report.RaceTouches > 0, "the batch had no race step");
        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(report.Operations, report.Matches + report.KnownDifferences.Values.Sum());
        Assert.True(report.KnownDifferences[KnownDifference.MbindDefaultHeadHole.Name] >= 2);
        Assert.True(report.KnownDifferences[KnownDifference.ShmemSharedPolicy.Name] >= 1);
        AssertStackGrowth(report);
        AssertForks(report);
        // the only place 4.16's rules would have differed is 6.12's mprotect: never the merge order
        Assert.Equal([KernelRules.UnaccountCase], report.RuleCases.Keys);
        Assert.True(report.RuleCases[KernelRules.UnaccountCase] >= RegressionSequences.Unaccount.Count(u => u.Case is not null));

        var native = new ModelComparer((config, flags) => AddressSpaceFactory.Default.Create(AddressSpaceFactory.Native, config, flags),
            "mmu-spf", KernelRules.For(report.KernelRelease)).Compare(batch, run.Report, Replay);
        output.WriteLine(native.ToTable());
        Assert.True(native.Passed, native.ToTable());
        Assert.Equal(report.KnownDifferences, native.KnownDifferences);
        Assert.Equal(report.RuleCases, native.RuleCases);

        // and a model with 4.16's mprotect differs on this kernel, only in sequences where the rule was counted
        var older = new ModelComparer(ModelBackend.Managed(), "mmu-spf").Compare(batch, run.Report, Replay);
        var ruled = outcomes.Where(o => o.RuleCase is not null).Select(o => o.Index).ToHashSet();
        Assert.NotEmpty(older.Mismatches);
        Assert.All(older.Mismatches, m => Assert.Contains(m.SequenceIndex, ruled));
    }

    /// <summary>
    /// Stack growth was met, both ways: at least the expansions and refusals of the hand-written
    /// <see cref="RegressionSequences.Stack"/> (the generated stack moves add more).
    /// </summary>
    private static void AssertStackGrowth(KernelComparisonReport report)
    {
        Assert.True(report.StackGrowths >= RegressionSequences.Stack.Sum(s => s.Growths) + 1, report.ToTable());
        Assert.True(report.StackRefusals >= RegressionSequences.Stack.Sum(s => s.Refusals) + 1, report.ToTable());
    }

    /// <summary>
    /// Fork was met: at least the fork steps of the hand-written <see cref="RegressionSequences.Fork"/>
    /// (the generated fork moves add more), each with the child's layout and its pages compared.
    /// </summary>
    private static void AssertForks(KernelComparisonReport report)
    {
        Assert.True(report.Forks >= RegressionSequences.Fork.Sum(f => f.Forks) + 1, report.ToTable());
        Assert.True(report.ForkPages >= report.Forks, report.ToTable());
    }

    /// <summary>
    /// Two private anonymous VMAs with different anon_vmas (each was written) and a new mapping
    /// between them: the kernel never merges all three (is_mergeable_anon_vma says no to the
    /// pair; 4.16 and the host's 6.18 join the new page to prev, 6.1 to next; the comparer
    /// picks the model's order from the release). The model with the test-only switch that
    /// ignores anon_vma in merges makes one VMA of all three, and the comparer must name
    /// exactly that mmap.
    /// </summary>
    [Fact]
    public async Task A_model_with_a_wrong_merge_rule_is_reported_at_the_exact_operation()
    {
        var rw = Prot.Read | Prot.Write;
        var fixedAnon = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;
        var ops = new WorkItem[]
        {
            Operation.Mmap(W, 2 * P, rw, fixedAnon),
            Operation.Fault(W, FaultFlags.Write),
            Operation.Mmap(W + (3 * P), 2 * P, rw, fixedAnon),
            Operation.Fault(W + (3 * P), FaultFlags.Write),
            Operation.Mmap(W + (2 * P), P, rw, fixedAnon),
            Operation.Fault(W + (2 * P), FaultFlags.Write),
        };
        var batch = new KernelBatch(W, 16, 77, [new KernelSequence(0, 77, [4 * P], ops)]);
        var run = await GuestRunner.RunOnHostAsync(batch);
        Assert.Empty(run.Report.Errors);

        var flags = KernelRules.For(run.KernelRelease);
        var honest = new ModelComparer(ModelBackend.Managed(), "mmu-spf", flags).Compare(batch, run.Report, i => $"replay {i}");
        var perturbed = new ModelComparer(ModelBackend.Managed(ignoreAnonVmaInMerge: true), "mmu-spf", flags).Compare(batch, run.Report, i => $"replay {i}");

        output.WriteLine(perturbed.ToTable());
        Assert.True(honest.Passed, honest.ToTable());
        var m = Assert.Single(perturbed.Mismatches);
        Assert.Equal((77UL, 0, 5), (m.Seed, m.SequenceIndex, m.OpIndex));
        Assert.Equal(ops[4].ToString(), m.Operation);
        Assert.Equal("layouts differ", m.Reason);
        // the host kernel joins the new page to prev (4.16, 6.18) or to next (6.1): never all three
        Assert.Contains(new KernelVma(W, W + (5 * P), "rw-p", 0, "anon"), m.ModelLayout);
        Assert.DoesNotContain(m.KernelLayout, v => v.Start == W && v.End == W + (5 * P));
        Assert.Equal("replay 0", m.Replay);
        Assert.Equal(5, perturbed.Matches);
        Assert.Equal(1, perturbed.Skipped);
    }
}
