// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The local work with the kernel's costs, on a fixed calibration (virtual ns, exact): per kind
/// model(design) + max(0, kernel − model(mmu)); one CPU of a published machine spends exactly
/// those costs, one CPU of this machine the model's own, and the validation holds with either.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class LocalWorkSpecs
{
    private const ulong Seed = 7;
    private const int Budget = 512;

    // Fixed costs, ns per operation: mmu-spf's fault and mmap cost more than mmu's in the model;
    // the kernel's munmap costs less than the model's (so it adds nothing).
    private static readonly Calibration Fixed = TestCalibrations.Of(Budget, ["mmu", "mmu-spf", "mmu-spf-rcu", "mmu-pvl"], BenchWorkloads.All,
        ModelPerKind, () => TestCalibrations.PerKind(2900, 3000, 2300));

    // The model's costs: mmu-spf-era designs' mmap and fault dearer than mmu's (PageWorkSpecs takes them too).
    internal static Dictionary<string, double> ModelPerKind(string config) =>
        TestCalibrations.PerKind(config == "mmu" ? 900 : 950, 4000, config == "mmu" ? 300 : 345);

    [Fact]
    public void The_kernel_adds_the_work_the_model_leaves_out_alike_to_every_design()
    {
        var spf = Fixed.Local("mmu-spf", "ebizzy", LocalWork.Kernel);
        var mmu = Fixed.Local("mmu", "ebizzy", LocalWork.Kernel);

        Assert.Equal(345 + (2300 - 300), spf.Of(OpKind.Fault));
        Assert.Equal(950 + (2900 - 900), spf.Of(OpKind.Mmap));
        Assert.Equal(4000, spf.Of(OpKind.Munmap));
        Assert.Equal(2300, mmu.Of(OpKind.Fault));
        // the designs' own differences stay the model's
        Assert.Equal(45, spf.Of(OpKind.Fault) - mmu.Of(OpKind.Fault));
        Assert.Equal(345, Fixed.Local("mmu-spf", "ebizzy", LocalWork.Model).Of(OpKind.Fault));
    }

    [Fact]
    public void One_cpu_of_a_published_machine_spends_exactly_the_kernel_augmented_costs_and_here_the_models()
    {
        var study = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed);
        var published = study.Simulate(BenchWorkload.Ebizzy, "mmu-spf", 1, Machines.X86Vm16);
        var here = study.Simulate(BenchWorkload.Ebizzy, "mmu-spf", 1, Machines.Here(2, 40));

        Assert.Equal(("kernel", "model"), (published.Local, here.Local));
        Assert.Equal(published.OpsByKind, here.OpsByKind);
        var kernel = Fixed.Local("mmu-spf", "ebizzy", LocalWork.Kernel);
        var model = Fixed.Local("mmu-spf", "ebizzy", LocalWork.Model);
        var kernelNs = TestCalibrations.CostOf(published, kernel);
        var modelNs = TestCalibrations.CostOf(here, model);
        Assert.Equal(kernelNs, published.MakespanNs, kernelNs * 1e-12);
        Assert.Equal(modelNs, here.MakespanNs, modelNs * 1e-12);
        Assert.Equal(published.MakespanNs, published.LocalNs);
        Assert.True(kernelNs > 2 * modelNs, $"kernel {kernelNs} ns, model {modelNs} ns");
    }

    [Fact]
    public void The_local_option_overrides_the_machine_default()
    {
        var model = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed, LocalWork.Model);
        var kernel = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed, LocalWork.Kernel);
        var byMachine = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed);

        Assert.Equal(LocalWork.Model, model.LocalFor(Machines.X86Vm16));
        Assert.Equal(LocalWork.Kernel, kernel.LocalFor(Machines.Here(2, 40)));
        Assert.Equal(LocalWork.Kernel, byMachine.LocalFor(Machines.SkylakeSp4x192));
        Assert.Equal(LocalWork.Model, byMachine.LocalFor(Machines.Here(2, 40)));
        Assert.Equal(
            byMachine.Simulate(BenchWorkload.Pft, "mmu", 1, Machines.IceLake2x128).MakespanNs,
            kernel.Simulate(BenchWorkload.Pft, "mmu", 1, Machines.Here(2, 40)).MakespanNs);
    }

    [Theory]
    [InlineData(LocalWork.Model)]
    [InlineData(LocalWork.Kernel)]
    public void The_validation_holds_with_either_local_work(LocalWork work)
    {
        var v = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed).Validate(Machines.Here(2, 40), work);

        Assert.Equal(work.Name(), v.Local);
        Assert.True(v.OneCpuError < 1e-9, $"simulated {v.OneCpuSimulatedNs} ns against {v.OneCpuCalibratedNs} ns");
        Assert.Equal(0, v.OneCpuTransfers);
        Assert.Equal(0, v.ZeroCostTransferNs);
        Assert.True(v.Holds, $"speedup {v.ZeroCostSpeedup} at {v.ZeroCostThreads} CPUs");
    }
}
