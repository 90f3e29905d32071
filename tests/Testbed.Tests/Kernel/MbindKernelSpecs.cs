// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Kernel;

/// <summary>mbind against the host's kernel (fast, no QEMU): policies from numa_maps, the named mbind rules.</summary>
public sealed class MbindKernelSpecs(ITestOutputHelper output)
{
    private const ulong W = RegressionSequences.W;
    private const ulong P = RegressionSequences.P;

    /// <summary>
    /// <see cref="RegressionSequences.Mbind"/>: every mode, holes, a shared file mapping whose
    /// policy outlives its munmap and shows on the next mappings of those pages. The host's
    /// kernel (6.18) has 6.1's mbind rules; the model matches it step by step, twice through
    /// <see cref="KnownDifference.MbindDefaultHeadHole"/> and at least once only through the
    /// files' shared policies.
    /// </summary>
    [Fact]
    public async Task Mbind_policies_match_the_host_kernel_on_every_step()
    {
        var batch = new KernelBatch(W, 32, 0, [new KernelSequence(0, 0, [16 * P], RegressionSequences.Mbind)]);
        var run = await GuestRunner.RunOnHostAsync(batch);
        Assert.Empty(run.Report.Errors);

        var report = new ModelComparer(ModelBackend.Managed(), "mmu-spf", KernelRules.For(run.KernelRelease))
            .Compare(batch, run.Report, i => $"replay {i}");

        output.WriteLine(report.ToTable());
        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(2, report.KnownDifferences[KnownDifference.MbindDefaultHeadHole.Name]);
        Assert.True(report.KnownDifferences[KnownDifference.ShmemSharedPolicy.Name] >= 1, report.ToTable());
        var steps = run.Report.Sequences[0].Steps;
        // munmap of the shared mapping, then pages 1..2 mapped again: the file kept bind
        var remap = Array.FindIndex(RegressionSequences.Mbind, step => step.Op is { Kind: OpKind.Mmap, PgOff: 1 }) + 1;
        Assert.Contains(new KernelVma(W + (20 * P), W + (22 * P), "rw-s", P, "file:0", "bind:0"), steps[remap].Layout);
        Assert.Contains(steps, s => s.Layout.Any(v => v.Policy == "prefer:0"));
        Assert.Contains(steps, s => s.Layout.Any(v => v.Policy == "interleave:0"));
    }
}
