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
/// The LRU's pgdat->lru_lock in virtual time (<see cref="VirtualTime.OnPage"/>, 4.16's pagevecs
/// and release_pages: <see cref="LruLists"/>): a fault's page joining the LRU fills the CPU's
/// pagevec, the 15th drains it under the lock; a zap's freed pages leave the LRU one acquisition
/// per 32 pages of an operation, held end to end; a drain waits only for another CPU of its
/// node holding the lock, never for a CPU of another node; the run is deterministic; the hold is
/// page work already charged, so one CPU spends exactly its page work. Counts and virtual ns,
/// never wall time.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class LruLockSpecs
{
    private const double PageNs = 1000;

    private static readonly double[] SegmentNs = [0];
    private static readonly double[] PageNsByKind = [PageNs];

    [Fact]
    public void The_pagevecs_start_spread_over_a_pagevec_among_the_cpus_of_a_node()
    {
        var four = new VirtualTime(new Machine("test", 4, 1, SameSocketNs, 120, "test values"), 4, SegmentNs, PageNsByKind);
        Assert.Equal([0, 3, 7, 11], Enumerable.Range(0, 4).Select(four.PagevecCount));
        var twoByTwo = new VirtualTime(new Machine("test", 4, 2, SameSocketNs, 120, "test values"), 4, SegmentNs, PageNsByKind);
        Assert.Equal([0, 7, 0, 7], Enumerable.Range(0, 4).Select(twoByTwo.PagevecCount));
    }

    [Fact]
    public void Adds_drain_a_full_pagevec_and_a_zaps_frees_take_the_lock_once_per_lock_batch()
    {
        const int adds = 100;
        const int frees = 100;
        var (time, _) = Run(OneNode, (0, [[(PageEvent.LruAdd, adds), (PageEvent.Free, frees)]]));

        Assert.Equal(adds / LruLists.PagevecSize, time.LruDrains);
        Assert.Equal(adds % LruLists.PagevecSize, time.PagevecCount(0));
        Assert.Equal((frees + LruLists.LockBatch - 1) / LruLists.LockBatch, time.LruReleases);
        // The add is the fault's page, not page work of its own: not counted, nothing charged;
        // alone, no wait, no transfer, and the holds add nothing to the frees' page work.
        Assert.Equal(frees, time.PagesByKind[0]);
        Assert.Equal(0, time.LruWaits);
        Assert.Equal(0, time.WaitNs);
        Assert.Equal(frees * PageNs, time.NowOf(0), 1e-6);
        Assert.Equal(0, time.TransfersOf(0));
    }

    [Fact]
    public void A_release_batch_ends_with_its_operation()
    {
        // Two munmaps of 10 pages each: release_pages' last batch ends with each (tlb_finish_mmu).
        var (time, _) = Run(OneNode, (0, [[(PageEvent.Free, 10)], [(PageEvent.Free, 10)]]));

        Assert.Equal(2, time.LruReleases);
    }

    [Fact]
    public void A_cpu_whose_pagevec_fills_while_another_of_its_node_drains_waits_for_the_hold_then_takes_the_line()
    {
        // CPU 0's pagevec starts empty: its 15th add drains at 0 and holds the lock for the
        // lruvec's miss; CPU 1's starts at 7: its 8th add drains at 0 too, behind it.
        var start = LruLists.PagevecSize / 2;
        var (time, _) = Run(OneNode, (0, [[(PageEvent.LruAdd, LruLists.PagevecSize)]]), (1, [[(PageEvent.LruAdd, LruLists.PagevecSize - start)]]));

        Assert.Equal(2, time.LruDrains);
        Assert.Equal(1, time.LruWaits);
        Assert.Equal(OneNode.LruAcquireHoldNs, time.LruWaitNs, 1e-9);
        Assert.Equal(0, time.LruReleaseWaitNs);
        Assert.Equal(1, time.TransfersOf(1));
        Assert.Equal(OneNode.LruAcquireHoldNs + SameSocketNs, time.NowOf(1), 1e-9);
        Assert.Equal(0, time.NowOf(0));
        Assert.Equal((0, 0), (time.PagevecCount(0), time.PagevecCount(1)));
    }

    [Fact]
    public void A_drain_waits_for_a_release_batch_held_end_to_end()
    {
        // CPU 0 frees a whole lock batch: the lock from its first page's release (after that
        // page's work) for the lruvec's miss and one per page, end to end. CPU 1 allocates one
        // page (its list has pages) and drains its pagevec inside that hold.
        var start = LruLists.PagevecSize / 2;
        var (time, _) = Run(OneNode,
            (0, [[(PageEvent.Free, LruLists.LockBatch)]]),
            (1, [[(PageEvent.Allocate, 1), (PageEvent.LruAdd, LruLists.PagevecSize - start)]]));

        Assert.Equal(1, time.LruReleases);
        Assert.Equal(1, time.LruDrains);
        var freeAt = PageNs + OneNode.LruAcquireHoldNs + (LruLists.LockBatch * OneNode.LruReleaseHoldNsPerPage);
        Assert.Equal(1, time.LruWaits);
        Assert.Equal(freeAt - PageNs, time.LruWaitNs, 1e-9);
        Assert.Equal(freeAt + SameSocketNs, time.NowOf(1), 1e-9);
        Assert.Equal(LruLists.LockBatch * PageNs, time.NowOf(0), 1e-9);
    }

    [Fact]
    public void Cpus_of_different_nodes_never_wait_for_each_other()
    {
        var (time, _) = Run(TwoNodes,
            (0, [[(PageEvent.LruAdd, 500), (PageEvent.Free, 500)]]),
            (1, [[(PageEvent.LruAdd, 500), (PageEvent.Free, 500)]]));

        Assert.True(time.LruDrains >= 2 * (500 / LruLists.PagevecSize) - 1 && time.LruReleases >= 2 * (500 / LruLists.LockBatch));
        Assert.Equal(0, time.LruWaits);
        Assert.Equal(0, time.WaitNs);
        Assert.Equal((0, 0), (time.TransfersOf(0), time.TransfersOf(1)));
    }

    [Fact]
    public void No_page_work_no_lru_lock_the_models_own_costs_take_none()
    {
        var (time, _) = Run(OneNode, [0], (0, [[(PageEvent.LruAdd, 100), (PageEvent.Free, 100)]]), (1, [[(PageEvent.LruAdd, 100)]]));

        Assert.Equal((0, 0), (time.LruDrains, time.LruReleases));
        Assert.Equal((0.0, 0.0), (time.NowOf(0), time.NowOf(1)));
    }

    [Fact]
    public void A_simulated_point_with_the_kernels_page_work_takes_the_lru_lock_the_same_way_every_run()
    {
        var calibration = PageWorkSpecs.WithMunmapWork;
        SimResult Once() => new SimulationStudy(calibration, 7, 512, AddressSpaceFactory.Managed).Simulate(BenchWorkload.PageFault1, "mmu-spf", 8, Machines.SkylakeSp4x192);
        var a = Once();
        var b = Once();

        Assert.True(a.LruDrains > 0 && a.LruReleases > 0, $"{a.LruDrains} drains, {a.LruReleases} releases");
        Assert.Equal((a.LruDrains, a.LruReleases, a.LruWaits), (b.LruDrains, b.LruReleases, b.LruWaits));
        Assert.Equal(a.LruWaitNs, b.LruWaitNs);
        Assert.Equal((a.MeanEndNs, a.MakespanNs, a.TransferNs, a.WaitNs), (b.MeanEndNs, b.MakespanNs, b.TransferNs, b.WaitNs));
        Assert.True(a.LruWaitNs <= a.WaitNs);
    }

    // A fault's new page and a zap's freed pages reach the LRU's lock on the anonymous
    // workloads; alone, a CPU still spends exactly the augmented costs.
    [Theory]
    [InlineData(BenchWorkload.PageFault1)]
    [InlineData(BenchWorkload.Malloc1)]
    public void One_cpu_with_the_kernels_page_work_takes_the_lru_lock_and_still_spends_exactly_its_costs(BenchWorkload workload)
    {
        var calibration = PageWorkSpecs.WithMunmapWork;
        var one = new SimulationStudy(calibration, 7, 512, AddressSpaceFactory.Managed).Simulate(workload, "mmu", 1, Machines.SkylakeSp4x192);
        var kernel = calibration.Local("mmu", workload.Name(), LocalWork.Kernel);

        Assert.True(one.LruReleases > 0, $"{one.LruReleases} releases");
        Assert.Equal(0, one.LruWaits);
        Assert.Equal(0, one.Transfers);
        var augmented = TestCalibrations.CostOf(one, kernel);
        Assert.Equal(augmented, one.MakespanNs, augmented * 1e-9);
    }

    // Each body: (thread, its operations of kind 0, each its page events in order as (event, count)).
    private static (VirtualTime Time, ControlledRun Run) Run(Machine machine, params (int Thread, (PageEvent Page, int Count)[][] Ops)[] bodies) =>
        Run(machine, null, bodies);

    private static (VirtualTime Time, ControlledRun Run) Run(Machine machine, double[]? pageNs, params (int Thread, (PageEvent Page, int Count)[][] Ops)[] bodies)
    {
        var time = new VirtualTime(machine, bodies.Length, SegmentNs, pageNs ?? PageNsByKind);
        return (time, PageEventRuns.Run(time, [.. bodies.Select(b => (b.Thread, b.Ops.Select(pages => (0, pages)).ToArray()))]));
    }
}
