// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Kernel;

/// <summary>
/// Stack growth against the host's kernel (fast, no QEMU): the guest maps MAP_GROWSDOWN, touches
/// below it, and the model (both backends) expands or refuses exactly where the kernel does.
/// </summary>
public sealed class StackGrowthKernelSpecs(ITestOutputHelper output)
{
    private const ulong W = RegressionSequences.W;
    private const ulong P = RegressionSequences.P;

    /// <summary>
    /// <see cref="RegressionSequences.Stack"/>, one sequence each: expansion by what the touch
    /// needs, the guard gap to an accessible neighbour (read-write and read-only) and not to a
    /// PROT_NONE or growsdown one, RLIMIT_STACK to the byte, a read-only stack, mmap_min_addr,
    /// and MAP_GROWSDOWN on shared memory. Each sequence matches on every step, with exactly
    /// its expansions and refusals counted, on the managed port and the native model.
    /// </summary>
    [Fact]
    public async Task Every_stack_growth_rule_matches_the_host_kernel_on_both_backends()
    {
        var (run, perBackend) = await HostRegressionRun.CompareAsync(
            RegressionSequences.MergeOrder.Count + RegressionSequences.Unaccount.Count, RegressionSequences.Stack.Count);

        foreach (var outcomes in perBackend)
        {
            for (var i = 0; i < outcomes.Count; i++)
            {
                var (growths, refusals, ops) = RegressionSequences.Stack[i];
                var o = outcomes[i];
                output.WriteLine($"stack sequence {i}: {o.StackGrowths} expanded, {o.StackRefusals} refused, {o.Differences} differences");
                Assert.True(o.Mismatch is null && o.Errors.Count == 0, $"stack sequence {i}: {o.Mismatch?.ToString() ?? string.Join("; ", o.Errors)}");
                Assert.Equal((growths, refusals), ((int)o.StackGrowths, (int)o.StackRefusals));
                Assert.Equal(ops.Length + 1, o.Operations);
            }
        }

        // the first sequence: S grew page by page down to the hole's bottom
        var first = run.Report.Sequences[0].Steps;
        Assert.Contains(new KernelVma(W + (9 * P), W + (12 * P), "rw-p", 0, "anon"), first[3].Layout);
        Assert.Contains(new KernelVma(W + (8 * P), W + (12 * P), "rw-p", 0, "anon"), first[4].Layout);
        // refused below the guard gap: SEGV_MAPERR, the layout as it was
        Assert.Equal(-Errno.EFAULT, run.Report.Sequences[1].Steps[4].Result);
        // the write below a read-only stack: expanded, then SEGV_ACCERR
        var readOnly = run.Report.Sequences[6].Steps;
        Assert.Equal(-Errno.EACCES, readOnly[4].Result);
        Assert.Contains(new KernelVma(W + (8 * P), W + (12 * P), "r--p", 0, "anon"), readOnly[4].Layout);
        // shared anonymous MAP_GROWSDOWN: -EINVAL
        Assert.Equal(-Errno.EINVAL, run.Report.Sequences[8].Steps[1].Result);
    }
}
