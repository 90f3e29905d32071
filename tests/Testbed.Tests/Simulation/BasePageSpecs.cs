// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Managed;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// A machine's base page (<see cref="Machine.BasePageBytes"/>): the Power8 runs 64 KiB pages,
/// every other machine 4 KiB. A workload shaped in bytes faults once per base page (ebizzy's
/// 512 KiB record: 8 faults on the Power8, 128 on x86), each fault touching the first 4 KiB of
/// its base page, and a fault's page event takes the base page's work: the 4 KiB page's once,
/// plus the measured zeroing of each further 4 KiB (<see cref="Calibration.FurtherPageNs"/>,
/// <see cref="PageZeroing"/>). Virtual times and counts only.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class BasePageSpecs
{
    private const double FurtherNs = 50;

    [Fact]
    public void The_power8_runs_64_kib_pages_with_its_source_and_every_other_machine_4_kib()
    {
        Machine[] power8s = [Machines.Power8x80, Machines.Power8Vm1024];
        foreach (var p in power8s)
        {
            Assert.Equal(64 * 1024, p.BasePageBytes);
            Assert.Equal(16, p.BasePages);
            Assert.Contains("CONFIG_PPC_64K_PAGES", p.BasePageSource, StringComparison.Ordinal);
            Assert.Contains("7.8 faults per record", p.BasePageSource, StringComparison.Ordinal);
        }
        foreach (var m in Machines.Published.Except(power8s).Append(Machines.Here(2, 100)))
        {
            Assert.Equal(4096, m.BasePageBytes);
            Assert.Equal(1, m.BasePages);
        }
        // Only anchors 2 and 8b run on a Power8.
        Assert.Equal(["2", "8b"], Anchors.All.Where(a => a.Machine.BasePages > 1).Select(a => a.Row));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(256)]
    public void A_base_page_that_is_not_a_power_of_two_of_4_kib_pages_within_a_record_is_refused(int basePages)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BenchPlan.OpsPerIteration(BenchWorkload.Ebizzy, basePages));
        Assert.Contains("power of two", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ebizzy_record_on_64_kib_pages_writes_one_address_per_64_kib_and_unmaps_the_whole_512_kib()
    {
        Assert.Equal(2 + 128, BenchPlan.OpsPerIteration(BenchWorkload.Ebizzy));
        Assert.Equal(2 + 8, BenchPlan.OpsPerIteration(BenchWorkload.Ebizzy, 16));
        using var space = new ManagedAddressSpace("mmu-spf");
        var plan = BenchPlan.Prepare(space, BenchWorkload.Ebizzy, 1, 2, 10, 16);
        var record = plan.Streams[1];

        Assert.Equal(10, record.Length);
        Assert.Equal(OpKind.Mmap, record[0].Op.Kind);
        Assert.Equal(128 * BenchPlan.Page, record[0].Op.Len);
        Assert.Equal([.. Enumerable.Range(0, 8).Select(p => (ulong)p * 64 * 1024)], record[1..9].Select(o => o.Op.Addr));
        Assert.All(record[1..9], o => Assert.Equal(OpKind.Fault, o.Op.Kind));
        Assert.Equal(OpKind.Munmap, record[9].Op.Kind);
        Assert.Equal(128 * BenchPlan.Page, record[9].Op.Len);
    }

    [Fact]
    public void A_4_kib_plan_is_the_plan_it_was()
    {
        using var a = new ManagedAddressSpace("mmu");
        using var b = new ManagedAddressSpace("mmu");
        foreach (var w in BenchWorkloads.All)
        {
            var plain = BenchPlan.Prepare(a, w, 3, 2, 300);
            var four = BenchPlan.Prepare(b, w, 3, 2, 300, 1);
            Assert.Equal(plain.Streams.Select(s => s.Select(o => o.Op)), four.Streams.Select(s => s.Select(o => o.Op)));
        }
    }

    [Fact]
    public void The_power8s_ebizzy_munmap_frees_a_sixteenth_of_the_pages_a_4_kib_machines_does()
    {
        var four = Simulator.Profile(new Simulator.Point(BenchWorkload.Ebizzy, "mmu-spf", 1, 7, 512) { MmThreads = Simulator.ProfileMmThreads });
        var sixtyFour = Simulator.Profile(new Simulator.Point(BenchWorkload.Ebizzy, "mmu-spf", 1, 7, 512)
        {
            MmThreads = Simulator.ProfileMmThreads,
            BasePages = 16,
        });

        Assert.Equal(128, four.PagesPerOp[(int)OpKind.Munmap]);
        Assert.Equal(8, sixtyFour.PagesPerOp[(int)OpKind.Munmap]);
        Assert.Equal(1, sixtyFour.PagesPerOp[(int)OpKind.Fault]);
    }

    [Fact]
    public void The_power8s_ebizzy_point_makes_a_sixteenth_of_the_faults_per_record_of_a_4_kib_machine()
    {
        // Four records per CPU: any window of whole records holds each operation of one that often.
        var power8 = new SimulationStudy(Calibration(FurtherNs), 1, 4 * 4 * 10, AddressSpaceFactory.Managed)
            .Simulate(BenchWorkload.Ebizzy, "mmu-spf", 4, Machines.Power8x80);
        var x86 = new SimulationStudy(Calibration(FurtherNs), 1, 4 * 4 * 130, AddressSpaceFactory.Managed)
            .Simulate(BenchWorkload.Ebizzy, "mmu-spf", 4, Machines.X86Vm16);

        Assert.Equal(16, power8.OpsByKind["Munmap"]);
        Assert.Equal(16, x86.OpsByKind["Munmap"]);
        Assert.Equal(8 * 16, power8.OpsByKind["Fault"]);
        Assert.Equal(128 * 16, x86.OpsByKind["Fault"]);
    }

    [Fact]
    public void A_64_kib_fault_takes_the_4_kib_pages_work_once_and_the_zeroing_of_15_more()
    {
        var calibration = Calibration(FurtherNs);
        Assert.Equal(FurtherNs, calibration.FurtherPageNs());
        var profile = Simulator.Profile(new Simulator.Point(BenchWorkload.Ebizzy, "mmu", 1, 7, 512) { MmThreads = Simulator.ProfileMmThreads });
        var spread = Simulator.Spread(calibration.For("mmu", "ebizzy"), calibration.Local("mmu", "ebizzy", LocalWork.Kernel), profile);

        var wide = Simulator.ForBasePage(spread, 16, calibration.FurtherPageNs());

        var f = (int)OpKind.Fault;
        Assert.Equal(spread.PageNs[f] + (15 * FurtherNs), wide.PageNs[f], 1e-9);
        Assert.Equal(spread.SegmentNs, wide.SegmentNs);
        Assert.Equal(spread.ZapNs, wide.ZapNs);
        Assert.Equal(spread.PageNs[(int)OpKind.Munmap], wide.PageNs[(int)OpKind.Munmap]);
        Assert.Same(spread, Simulator.ForBasePage(spread, 1, 1e6));
    }

    [Fact]
    public void One_power8_cpu_spends_exactly_15_times_the_zeroing_more_per_fault()
    {
        var costly = new SimulationStudy(Calibration(FurtherNs), 1, 512, AddressSpaceFactory.Managed)
            .Simulate(BenchWorkload.Ebizzy, "mmu-spf", 1, Machines.Power8x80);
        var free = new SimulationStudy(Calibration(0), 1, 512, AddressSpaceFactory.Managed)
            .Simulate(BenchWorkload.Ebizzy, "mmu-spf", 1, Machines.Power8x80);

        Assert.Equal(costly.OpsByKind, free.OpsByKind);
        Assert.Equal(costly.OpsByKind["Fault"] * 15 * FurtherNs, costly.LocalNs - free.LocalNs, 1e-6 * costly.LocalNs);
    }

    [Fact]
    public void A_calibration_without_the_zeroing_names_the_recalibration_a_64_kib_machine_needs()
    {
        var old = Calibration(FurtherNs);
        old = old with { Kernel = old.RequireKernel() with { Zeroing = null } };
        var e = Assert.Throws<InvalidOperationException>(() => old.FurtherPageNs());
        Assert.Contains("--calibrate-kernel", e.Message, StringComparison.Ordinal);
        // A 4 KiB machine never asks for it.
        Assert.True(new SimulationStudy(old, 1, 512, AddressSpaceFactory.Managed).Simulate(BenchWorkload.Ebizzy, "mmu", 2, Machines.X86Vm16).MakespanNs > 0);
    }

    [Fact]
    public void The_power8s_points_are_deterministic()
    {
        SimResult Once() => new SimulationStudy(Calibration(FurtherNs), 2, 1024, AddressSpaceFactory.Managed)
            .Simulate(BenchWorkload.Ebizzy, "mmu", 8, Machines.Power8x80);
        var a = Once();
        var b = Once();

        Assert.Equal(a.MakespanNs, b.MakespanNs);
        Assert.Equal(a.MeanEndNs, b.MeanEndNs);
        Assert.Equal(a.LocalNs, b.LocalNs);
        Assert.Equal(a.WaitNs, b.WaitNs);
        Assert.Equal(a.Transfers, b.Transfers);
    }

    // Every kernel cost the test calibration's, each further 4 KiB of a bigger page furtherNs.
    private static Calibration Calibration(double furtherNs)
    {
        var c = TestCalibrations.Of(512, ["mmu", "mmu-spf"], BenchWorkloads.All, LocalWorkSpecs.ModelPerKind,
            () => TestCalibrations.PerKind(2900, 37_000, 2300));
        var kernel = c.RequireKernel();
        return c with
        {
            Kernel = kernel with
            {
                Zeroing = new PageZeroing(furtherNs, 26_000, 1_200, [furtherNs], "test", DateTimeOffset.UnixEpoch, "test values"),
            },
        };
    }
}
