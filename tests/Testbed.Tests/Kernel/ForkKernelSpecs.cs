// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Kernel;

/// <summary>
/// Fork against the host's kernel (fast, no QEMU): the guest forks, the child reports its
/// /proc/self/maps and reads and writes pages, the parent reads them before and after; the model
/// (both backends) forks its mm (tb_fork) and must give the same child layout and the same
/// access results, and the bytes read must follow its VMAs (copy-on-write, shared, WIPEONFORK).
/// </summary>
public sealed class ForkKernelSpecs(ITestOutputHelper output)
{
    private const ulong W = RegressionSequences.W;
    private const ulong P = RegressionSequences.P;

    /// <summary>
    /// <see cref="RegressionSequences.Fork"/>, one sequence each: every step matches, with its
    /// fork steps counted, on the managed port and the native model; the page past the file's
    /// end is the one named difference (SIGBUS in parent and child).
    /// </summary>
    [Fact]
    public async Task Every_fork_sequence_matches_the_host_kernel_on_both_backends()
    {
        var skip = RegressionSequences.MergeOrder.Count + RegressionSequences.Unaccount.Count + RegressionSequences.Stack.Count;
        var (run, perBackend) = await HostRegressionRun.CompareAsync(skip, RegressionSequences.Fork.Count);

        foreach (var outcomes in perBackend)
        {
            for (var i = 0; i < outcomes.Count; i++)
            {
                var (forks, ops) = RegressionSequences.Fork[i];
                var o = outcomes[i];
                output.WriteLine($"fork sequence {i}: {o.Forks} forks, {o.ForkPages} pages, {o.Differences} differences");
                Assert.True(o.Mismatch is null && o.Errors.Count == 0, $"fork sequence {i}: {o.Mismatch?.ToString() ?? string.Join("; ", o.Errors)}");
                Assert.Equal(forks, o.Forks);
                Assert.Equal(ops.Length + 1, o.Operations);
                Assert.Equal(i == RegressionSequences.Fork.Count - 1 ? 1 : 0, o.KnownDifferences[KnownDifference.SigbusBeyondEof.Name]);
            }
        }

        var seqs = run.Report.Sequences;
        // private: the child read the parent's byte and wrote its own, the parent kept its byte
        var cow = seqs[0].Steps[3].Fork!.Pages[1];
        Assert.Equal((1, 1, 0L, 1), (cow.Value0, cow.ChildValue, cow.ChildWrite, cow.Value1));
        Assert.Equal(seqs[0].Steps[3].Layout, seqs[0].Steps[3].Fork!.ChildLayout);
        // the parent's later write: the second child reads it
        Assert.Equal(1, seqs[0].Steps[5].Fork!.Pages[0].ChildValue);
        // shared: the child's write reached the parent
        Assert.Equal(ForkPage.ChildMark, seqs[1].Steps[3].Fork!.Pages[0].Value1);
        // DONTFORK: no VMA in the child at page 1, SEGV_MAPERR there; DOFORK: the child has it again
        var dontfork = seqs[3].Steps[5].Fork!;
        Assert.DoesNotContain(dontfork.ChildLayout, v => v.Start <= W + P && W + P < v.End);
        Assert.Equal(-Errno.EFAULT, dontfork.Pages[1].ChildRead);
        Assert.Equal(0, seqs[3].Steps[7].Fork!.Pages[1].ChildRead);
        // WIPEONFORK: the child's VMA is there, empty; the parent kept its bytes; KEEPONFORK copies them again
        var wipe = seqs[4].Steps[5].Fork!;
        Assert.Contains(new KernelVma(W + (2 * P), W + (4 * P), "rw-p", 0, "anon"), wipe.ChildLayout);
        Assert.All(wipe.Pages, p => Assert.Equal((0, 0), (p.ChildRead, p.ChildValue)));
        Assert.Equal([2, 3], wipe.Pages.Select(p => p.Value1));
        Assert.Equal([2, 3], seqs[4].Steps[7].Fork!.Pages.Select(p => p.ChildValue));
        // WIPEONFORK on shared or file memory: -EINVAL
        Assert.Equal(-Errno.EINVAL, seqs[5].Steps[2].Result);
        Assert.Equal(-Errno.EINVAL, seqs[5].Steps[4].Result);
        // read-only, PROT_NONE, hole: -EACCES (write), -EACCES, -EFAULT
        var denied = seqs[6].Steps[5].Fork!.Pages;
        Assert.Equal((0L, -(long)Errno.EACCES), (denied[0].ChildRead, denied[0].ChildWrite));
        Assert.Equal(-Errno.EACCES, denied[1].ChildRead);
        Assert.Equal(-Errno.EFAULT, denied[2].ChildRead);
    }

    /// <summary>
    /// The comparison can fail: the host's own output, doctored, is reported at the fork step
    /// when the parent sees the child's write in a private VMA (a broken copy-on-write), when a
    /// WIPEONFORK child reads the parent's byte, and when the child's layout kept the
    /// MADV_DONTFORK VMA.
    /// </summary>
    [Fact]
    public async Task A_broken_copy_on_write_a_kept_wiped_byte_and_a_copied_dontfork_vma_are_differences()
    {
        var skip = RegressionSequences.MergeOrder.Count + RegressionSequences.Unaccount.Count + RegressionSequences.Stack.Count;
        var sequences = RegressionSequences.Sequences(0).Skip(skip).Take(RegressionSequences.Fork.Count).ToList();
        var batch = new KernelBatch(W, 32, 0, sequences);
        var run = await GuestRunner.RunOnHostAsync(batch);
        var comparer = new ModelComparer(ModelBackend.Managed(), "mmu-spf", KernelRules.For(run.KernelRelease));

        KernelMismatch? Doctored(int seq, int step, Func<ForkReport, ForkReport> change)
        {
            var steps = run.Report.Sequences[seq].Steps.ToList();
            steps[step] = steps[step] with { Fork = change(steps[step].Fork!) };
            var report = run.Report with
            {
                Sequences = [.. run.Report.Sequences.Select((s, i) => i == seq ? s with { Steps = steps } : s)],
            };
            return comparer.CompareSequences(batch, report, i => $"replay {i}")[seq].Mismatch;
        }

        ForkReport Page(ForkReport f, int i, Func<ForkPage, ForkPage> change) =>
            f with { Pages = [.. f.Pages.Select((p, j) => j == i ? change(p) : p)] };

        var cow = Doctored(0, 3, f => Page(f, 1, p => p with { Value1 = ForkPage.ChildMark }));
        Assert.NotNull(cow);
        Assert.Equal(3, cow.OpIndex);
        Assert.Contains("after the child's write the parent read 165 in a private VMA", cow.Reason, StringComparison.Ordinal);
        var wiped = Doctored(4, 5, f => Page(f, 0, p => p with { ChildValue = p.Value0 }));
        Assert.Contains("VM_WIPEONFORK", wiped?.Reason ?? "", StringComparison.Ordinal);
        var dontfork = Doctored(3, 5, f => f with { ChildLayout = run.Report.Sequences[3].Steps[5].Layout });
        Assert.Contains("the child's layouts differ", dontfork?.Reason ?? "", StringComparison.Ordinal);
        var access = Doctored(6, 5, f => Page(f, 2, p => p with { ChildRead = 0, ChildValue = 0 }));
        Assert.Contains("the child's read differs", access?.Reason ?? "", StringComparison.Ordinal);
    }
}
