// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The comparer on output captured from Debian 6.1 under QEMU: 6.1's merge order needs no
/// named rule when the model merges next first, and the named rules apply under their exact
/// condition only.
/// </summary>
public sealed class KnownDifferenceSpecs
{
    private const ulong W = 0x100000000;
    private const ulong P = 0x1000;

    // prev and next both written (different anon_vmas), then an mmap between them: 6.1 joins next.
    private const string Captured61 =
        "@G window 0x100000000 16\n@G seq 0\n" +
        "@G op 0 0 0 0\n@G vma 100000000 100010000 ---p 0 anon\n@G done 0\n" +
        "@G op 1 0x100000000 0 0\n@G vma 100000000 100002000 rw-p 0 anon\n@G vma 100002000 100010000 ---p 0 anon\n@G done 1\n" +
        "@G op 2 0x100003000 0 0\n@G vma 100000000 100002000 rw-p 0 anon\n@G vma 100002000 100003000 ---p 0 anon\n" +
        "@G vma 100003000 100005000 rw-p 0 anon\n@G vma 100005000 100010000 ---p 0 anon\n@G done 2\n" +
        "@G op 3 0 0 0\n@G same 3\n@G op 4 0 0 0\n@G same 4\n" +
        "@G op 5 0x100002000 0 0\n@G vma 100000000 100002000 rw-p 0 anon\n@G vma 100002000 100005000 rw-p 0 anon\n" +
        "@G vma 100005000 100010000 ---p 0 anon\n@G done 5\n" +
        "@G op 6 0 0 0\n@G same 6\n@G endseq 0\n@G fin 1 6 1000\n";

    private static KernelBatch Batch()
    {
        var rw = Prot.Read | Prot.Write;
        var fixedAnon = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;
        WorkItem[] ops =
        [
            Operation.Mmap(W, 2 * P, rw, fixedAnon),
            Operation.Mmap(W + (3 * P), 2 * P, rw, fixedAnon),
            Operation.Fault(W + (3 * P), FaultFlags.Write),
            Operation.Fault(W, FaultFlags.Write),
            Operation.Mmap(W + (2 * P), P, rw, fixedAnon),
            Operation.Fault(W + (2 * P), FaultFlags.Write),
        ];
        return new KernelBatch(W, 16, 5, [new KernelSequence(0, 5, [4 * P], ops)]);
    }

    [Fact]
    public void The_6_1_merge_order_needs_no_rule_when_the_model_merges_next_first()
    {
        var report = new ModelComparer(ModelBackend.Managed(), "mmu-spf", MmFlags.MmapMergeNextFirst)
            .Compare(Batch(), GuestOutputParser.Parse(Captured61), i => $"replay {i}");

        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(7, report.Matches);
        Assert.All(report.KnownDifferences.Values, n => Assert.Equal(0, n));
        Assert.Equal(1, report.RuleCases["anon, neighbours existed"]);
    }

    [Fact]
    public void A_model_in_4_16_order_is_reported_at_the_mmap_on_6_1_output()
    {
        var report = new ModelComparer(ModelBackend.Managed()).Compare(Batch(), GuestOutputParser.Parse(Captured61), i => $"replay {i}");

        var m = Assert.Single(report.Mismatches);
        Assert.Equal((5, "layouts differ"), (m.OpIndex, m.Reason));
        Assert.Empty(report.RuleCases);
        Assert.Contains("seed 5 sequence 0 op 5", m.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_merges_all_three_is_reported_at_that_mmap()
    {
        var report = new ModelComparer(ModelBackend.Managed(ignoreAnonVmaInMerge: true), "mmu-spf", MmFlags.MmapMergeNextFirst)
            .Compare(Batch(), GuestOutputParser.Parse(Captured61), i => $"replay {i}");

        var m = Assert.Single(report.Mismatches);
        Assert.Equal(5, m.OpIndex);
        Assert.Contains(new KernelVma(W, W + (5 * P), "rw-p", 0, "anon"), m.ModelLayout);
        Assert.Contains("replay 0", m.ToString(), StringComparison.Ordinal);
    }
}
