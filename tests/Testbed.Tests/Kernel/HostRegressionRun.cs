// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// A group of <see cref="RegressionSequences"/> run by the guest on the host's kernel (no QEMU),
/// then compared with the model (config mmu-spf) on the managed port and on the native model,
/// in that order: what the per-operation kernel specs (fork, stack growth) each check.
/// </summary>
internal static class HostRegressionRun
{
    public static async Task<(GuestRun Run, IReadOnlyList<IReadOnlyList<KernelSequenceOutcome>> PerBackend)> CompareAsync(int skip, int count)
    {
        var sequences = RegressionSequences.Sequences(0).Skip(skip).Take(count).ToList();
        var batch = new KernelBatch(RegressionSequences.W, 32, 0, sequences);
        var run = await GuestRunner.RunOnHostAsync(batch);
        Assert.Empty(run.Report.Errors);
        var flags = KernelRules.For(run.KernelRelease);
        var factories = new[]
        {
            ModelBackend.Managed(),
            (config, f) => AddressSpaceFactory.Default.Create(AddressSpaceFactory.Native, config, f),
        };
        var perBackend = factories
            .Select(factory => new ModelComparer(factory, "mmu-spf", flags).CompareSequences(batch, run.Report, i => $"replay {i}"))
            .ToList();
        return (run, perBackend);
    }
}
