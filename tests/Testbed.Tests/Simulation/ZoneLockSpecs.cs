// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Xunit;
using static Testbed.Tests.Simulation.PageEventRuns;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The page allocator's zone->lock in virtual time (<see cref="VirtualTime.OnPage"/>, 4.16's
/// per-CPU lists: <see cref="PerCpuPages"/>): allocations refill a batch at a time from an
/// empty list, frees drain a batch when the list reaches high; a refill waits only for another
/// CPU of its node holding the zone at that moment, never for a CPU of another node; the run is
/// deterministic; the hold is page work already charged, so one CPU spends exactly its page
/// work. Counts and virtual ns, never wall time.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class ZoneLockSpecs
{
    private const double PageNs = 1000;

    // Kind 0 starts at once with the usual page work, kind 1 gets through its pages fast, kind 2
    // starts after a long segment (a CPU that arrives later).
    private static readonly double[] SegmentNs = [0, 0, 5000];
    private static readonly double[] PageNsByKind = [PageNs, FastPageNs, PageNs];
    private const double FastPageNs = 10;

    [Fact]
    public void The_lists_start_spread_over_a_batch_among_the_cpus_of_a_node()
    {
        var four = new VirtualTime(new Machine("test", 4, 1, SameSocketNs, 120, "test values"), 4, SegmentNs, PageNsByKind);
        Assert.Equal([0, 7, 15, 23], Enumerable.Range(0, 4).Select(four.PcpCount));
        // Two nodes of two CPUs (numbered socket by socket): each node's lists spread on their own.
        var twoByTwo = new VirtualTime(new Machine("test", 4, 2, SameSocketNs, 120, "test values"), 4, SegmentNs, PageNsByKind);
        Assert.Equal([0, 15, 0, 15], Enumerable.Range(0, 4).Select(twoByTwo.PcpCount));
    }

    [Fact]
    public void Allocations_refill_a_batch_from_an_empty_list_and_frees_drain_a_batch_at_high()
    {
        const int allocations = 100;
        const int frees = 200;
        var (time, _) = Run(OneNode, (0, 0, [(PageEvent.Allocate, allocations), (PageEvent.Free, frees), (PageEvent.Unmap, 50)]));

        var refills = (allocations + PerCpuPages.Batch - 1) / PerCpuPages.Batch;
        Assert.Equal(refills, time.ZoneRefills);
        // The list holds what the refills left, then every free; each time it reaches high a batch goes.
        var list = (refills * PerCpuPages.Batch) - allocations;
        var drains = 0;
        for (var f = 0; f < frees; f++)
        {
            if (++list >= PerCpuPages.High)
            {
                list -= PerCpuPages.Batch;
                drains++;
            }
        }
        Assert.True(drains >= 1, "the frees must reach high at least once");
        Assert.Equal(drains, time.ZoneDrains);
        Assert.Equal(list, time.PcpCount(0));
        // Alone: no wait, no transfer, and the hold adds nothing to the page work charged.
        Assert.Equal(0, time.ZoneWaits);
        Assert.Equal(0, time.WaitNs);
        Assert.Equal((allocations + frees + 50) * PageNs, time.NowOf(0), 1e-6);
        Assert.Equal(0, time.TransfersOf(0));
    }

    [Fact]
    public void A_cpu_that_refills_while_another_of_its_node_holds_the_zone_waits_for_it_then_takes_the_line()
    {
        // CPU 1's list starts at 15: its 16th allocation refills, at 15 fast pages, inside CPU 0's hold.
        var start = PerCpuPages.Batch / 2;
        var (time, _) = Run(OneNode, (0, 0, [(PageEvent.Allocate, 1)]), (1, 1, [(PageEvent.Allocate, start + 1)]));

        Assert.Equal(2, time.ZoneRefills);
        Assert.Equal(1, time.ZoneWaits);
        // CPU 0 holds the zone for a batch of holds (one same-socket transfer per page), CPU 1
        // waits out the rest; its own hold is capped at its page work.
        var hold = PerCpuPages.Batch * OneNode.ZoneHoldNsPerPage;
        var asked = start * FastPageNs;
        Assert.Equal(hold - asked, time.ZoneWaitNs, 1e-9);
        Assert.Equal(hold - asked, time.WaitNs, 1e-9);
        // Then the lock's line moves once, from CPU 0, and its last page's work follows.
        Assert.Equal(1, time.TransfersOf(1));
        Assert.Equal(hold + SameSocketNs + FastPageNs, time.NowOf(1), 1e-9);
        Assert.Equal(PageNs, time.NowOf(0), 1e-9);
        Assert.Equal(PerCpuPages.Batch - 1, time.PcpCount(1));
    }

    [Fact]
    public void A_refill_after_the_holder_released_does_not_wait_but_moves_the_line()
    {
        var start = PerCpuPages.Batch / 2;
        var (time, _) = Run(OneNode, (0, 0, [(PageEvent.Allocate, 1)]), (1, 2, [(PageEvent.Allocate, start + 1)]));

        Assert.Equal(2, time.ZoneRefills);
        Assert.Equal(0, time.ZoneWaits);
        Assert.Equal(0, time.WaitNs);
        Assert.Equal(1, time.TransfersOf(1));
        Assert.Equal(SegmentNs[2] + ((start + 1) * PageNs) + SameSocketNs, time.NowOf(1), 1e-9);
    }

    [Fact]
    public void Cpus_of_different_nodes_never_wait_for_each_other()
    {
        var (time, _) = Run(TwoNodes,
            (0, 0, [(PageEvent.Allocate, 500), (PageEvent.Free, 500)]),
            (1, 0, [(PageEvent.Allocate, 500), (PageEvent.Free, 500)]));

        Assert.True(time.ZoneRefills + time.ZoneDrains >= 2 * ((500 / PerCpuPages.Batch) + 1));
        Assert.Equal(0, time.ZoneWaits);
        Assert.Equal(0, time.WaitNs);
        Assert.Equal((0, 0), (time.TransfersOf(0), time.TransfersOf(1)));
    }

    [Fact]
    public void No_page_work_no_allocator_the_models_own_costs_take_no_zone_lock()
    {
        var (time, _) = Run(OneNode, [0, 0, 0], (0, 0, [(PageEvent.Allocate, 100)]), (1, 0, [(PageEvent.Allocate, 100)]));

        Assert.Equal(0, time.ZoneRefills);
        Assert.Equal(0, time.ZoneWaits);
        Assert.Equal((0.0, 0.0), (time.NowOf(0), time.NowOf(1)));
    }

    [Fact]
    public void A_simulated_point_with_the_kernels_page_work_takes_the_zone_lock_the_same_way_every_run()
    {
        var calibration = PageWorkSpecs.WithMunmapWork;
        var skylake = Machines.SkylakeSp4x192;
        SimResult Once() => new SimulationStudy(calibration, 7, 512, AddressSpaceFactory.Managed).Simulate(BenchWorkload.PageFault1, "mmu-spf", 8, skylake);
        var a = Once();
        var b = Once();

        Assert.Equal("kernel", a.Local);
        Assert.True(a.ZoneRefills > 0 && a.ZoneDrains > 0, $"{a.ZoneRefills} refills, {a.ZoneDrains} drains");
        Assert.Equal((a.ZoneRefills, a.ZoneDrains, a.ZoneWaits), (b.ZoneRefills, b.ZoneDrains, b.ZoneWaits));
        Assert.Equal(a.ZoneWaitNs, b.ZoneWaitNs);
        Assert.Equal((a.MeanEndNs, a.MakespanNs, a.LocalNs, a.TransferNs, a.WaitNs), (b.MeanEndNs, b.MakespanNs, b.LocalNs, b.TransferNs, b.WaitNs));
        Assert.True(a.ZoneWaitNs <= a.WaitNs);
    }

    // Workloads whose iteration allocates more pages than a per-CPU list holds (ebizzy's 128-page
    // chunks do not: alone, its window starts at a munmap and the list carries each chunk's pages
    // to the next, never touching the zone).
    [Theory]
    [InlineData(BenchWorkload.PageFault2)]
    [InlineData(BenchWorkload.PageFault1)]
    public void One_cpu_with_the_kernels_page_work_takes_the_zone_and_still_spends_exactly_its_costs(BenchWorkload workload)
    {
        var calibration = PageWorkSpecs.WithMunmapWork;
        var one = new SimulationStudy(calibration, 7, 512, AddressSpaceFactory.Managed).Simulate(workload, "mmu", 1, Machines.SkylakeSp4x192);
        var kernel = calibration.Local("mmu", workload.Name(), LocalWork.Kernel);

        Assert.True(one.ZoneAcquisitions > 0);
        Assert.Equal(0, one.ZoneWaits);
        Assert.Equal(0, one.Transfers);
        var augmented = TestCalibrations.CostOf(one, kernel);
        Assert.Equal(augmented, one.MakespanNs, augmented * 1e-9);
    }

    // Each body: (thread, op kind, page events in order as (event, count)).
    private static (VirtualTime Time, ControlledRun Run) Run(Machine machine, params (int Thread, int Kind, (PageEvent Page, int Count)[] Pages)[] bodies) =>
        Run(machine, null, bodies);

    private static (VirtualTime Time, ControlledRun Run) Run(Machine machine, double[]? pageNs, params (int Thread, int Kind, (PageEvent Page, int Count)[] Pages)[] bodies)
    {
        var time = new VirtualTime(machine, bodies.Length, SegmentNs, pageNs ?? PageNsByKind);
        return (time, PageEventRuns.Run(time, [.. bodies.Select(b => (b.Thread, new[] { (b.Kind, b.Pages) }))]));
    }
}
