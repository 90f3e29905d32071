// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Simulation;
using Testbed.Managed;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Scheduling;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The kernel's added work is page work, charged where the model does its page work
/// (<see cref="PageWork"/>, a cost hook, not a scheduling point): a fault's page allocation
/// before the PTE lock and the page joining the LRU inside it, each entry munmap's zap clears
/// inside it, after the VMAs were split and detached. Read from the port's own points and page events (single thread, a recording
/// hook), and from virtual time: the page's time lands at that moment, in its lock context;
/// with no hook it costs nothing; one CPU still spends the augmented costs to the digit.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class PageWorkSpecs
{
    private const ulong Page = 4096;
    private const ulong Base = 0x300000000UL;
    private const int Pages = 16;

    [Fact]
    public void A_fault_reports_its_page_before_the_pte_lock_and_its_lru_add_inside_it_and_a_zap_each_entry_inside_it_outside_mm_rb_lock_and_the_split()
    {
        using var mm = new ManagedAddressSpace("mmu-spf");
        Assert.Equal(0, mm.SetThreads(2)); // the series speculates only in a multithreaded mm
        var log = new List<string>();
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        Action<SchedPoint, object?> record = (point, obj) => log.Add($"{point} {mm.LineName(obj)}");
        SchedHook.Hook = record;
        var kinds = new List<PageEvent>();
        PageWork.Hook = page =>
        {
            log.Add("page");
            kinds.Add(page);
        };
        try
        {
            // A classic write fault (it also gives the VMA its anon_vma): its page under mmap_sem,
            // before the PTE lock; the page joins the LRU inside it (do_anonymous_page: after the
            // pte_none check, before set_pte_at).
            var classic = Events(log, () => mm.Execute(Operation.Fault(Base, FaultFlags.Write | FaultFlags.NoSpeculative)));
            Assert.Equal([PageEvent.Allocate, PageEvent.LruAdd], kinds);
            Assert.Equal([new Held(MmapSem: 1, MmRbLock: 0, Pte: 0, Seq: 0), new Held(MmapSem: 1, MmRbLock: 0, Pte: 1, Seq: 0)], Context(classic));

            // A speculative write fault: no lock at all when it allocates; the LRU add after
            // pte_map_lock took the PTE lock, outside the speculative window.
            kinds.Clear();
            long result = 0;
            var speculative = Events(log, () => result = mm.Execute(Operation.Fault(Base + Page, FaultFlags.Write)));
            Assert.Equal((long)FaultResult.Speculative, result);
            Assert.Equal([PageEvent.Allocate, PageEvent.LruAdd], kinds);
            Assert.Equal([new Held(0, 0, 0, 0), new Held(0, 0, 1, 0)], Context(speculative));

            // No page: a read maps the zero page, a write to a present page installs none.
            Assert.DoesNotContain("page", Events(log, () => mm.Execute(Operation.Fault(Base + (2 * Page), FaultFlags.Read))));
            Assert.DoesNotContain("page", Events(log, () => mm.Execute(Operation.Fault(Base + Page, FaultFlags.Write))));

            for (var p = 3; p < Pages; p++)
                mm.Execute(Operation.Fault(Base + ((ulong)p * Page), FaultFlags.Write));

            // munmap of 4 pages in the middle: a split (the surviving VMA's vm_sequence section
            // and mm_rb_lock), then the zap of the detached piece, one page per entry, each
            // under the PTE lock and the zapped VMA's own section only, with mmap_sem held.
            kinds.Clear();
            var munmap = Events(log, () => mm.Execute(Operation.Munmap(Base + (4 * Page), 4 * Page)));
            // Each zapped page was a written anonymous page of this mm only: freed.
            Assert.Equal([PageEvent.Free, PageEvent.Free, PageEvent.Free, PageEvent.Free], kinds);
            Assert.Contains("SeqBegin vma", munmap.TakeWhile(e => e != "page"));
            Assert.Contains("Lock mm_rb_lock", munmap.TakeWhile(e => e != "page"));
            Assert.All(Context(munmap), held => Assert.Equal(new Held(MmapSem: 1, MmRbLock: 0, Pte: 1, Seq: 1), held));
            Assert.Equal(4, Context(munmap).Count);
            Assert.Equal(2, mm.Snapshot().Count);
        }
        finally
        {
            SchedHook.Hook = null;
            PageWork.Hook = null;
        }
    }

    [Fact]
    public void A_munmaps_points_from_its_first_page_on_are_its_zaps_and_its_split_comes_before()
    {
        // The same split munmap twice: once logged by a recording hook, once under virtual time.
        using var logged = SplitAndFault();
        using var timed = SplitAndFault();
        var log = new List<string>();
        SchedHook.Hook = (point, obj) => log.Add($"{point} {logged.LineName(obj)}");
        PageWork.Hook = _ => log.Add("page");
        List<string> events;
        try
        {
            events = Events(log, () => logged.Execute(SplitMunmap));
        }
        finally
        {
            SchedHook.Hook = null;
            PageWork.Hook = null;
        }
        var beforeZap = events.TakeWhile(e => e != "page").ToList();
        Assert.Contains("SeqBegin vma", beforeZap);
        Assert.Contains("SeqEnd vma", beforeZap);

        // Under virtual time with no page work but 1,000 ns of zap work a page: the four pages'
        // zap lands on the munmap's clock, and its frees take no zone->lock or lru_lock.
        const double zapNs = 1000;
        var m = (int)OpKind.Munmap;
        var kinds = Enum.GetValues<OpKind>().Max(k => (int)k) + 1;
        var zap = new double[kinds];
        zap[m] = zapNs;
        var time = new VirtualTime(new Machine("test", 1, 1, 50, 50, "test values"), 1, new double[kinds], new double[kinds], zapNs: zap);
        Action[] body =
        [
            () =>
            {
                time.BeginOp(0, m);
                Assert.True(timed.Execute(SplitMunmap) >= 0);
                time.EndOp(0);
            },
        ];
        ControlledRun run;
        using (PageWork.Install(time.OnPage))
        using (SchedulerHooks.Install(AddressSpaceFactory.Managed, "mmu-spf"))
            run = ControlledScheduler.Run(body, time);
        Assert.Null(run.SchedulerFailure);
        Assert.Equal(4, time.PagesByKind[m]);
        // Every point from the first page on is the zap's (or after it), none of the split's.
        Assert.Equal(events.Count(e => e != "page"), time.PointsByKind[m]);
        Assert.Equal(time.PointsByKind[m] - beforeZap.Count, time.PointsAfterPageByKind[m]);
        Assert.InRange(time.PointsAfterPageByKind[m], 1, time.PointsByKind[m] - 1);
        Assert.Equal(4 * zapNs, time.NowOf(0), 1e-9);
        Assert.Equal(0, time.ZoneRefills + time.ZoneDrains + time.LruDrains + time.LruReleases);
    }

    private static Operation SplitMunmap => Operation.Munmap(Base + (4 * Page), 4 * Page);

    // A multithreaded mmu-spf mm whose VMA of Pages pages is faulted in, outside any run.
    private static ManagedAddressSpace SplitAndFault()
    {
        var mm = new ManagedAddressSpace("mmu-spf");
        Assert.Equal(0, mm.SetThreads(2));
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        for (var p = 0; p < Pages; p++)
            Assert.True(mm.Execute(Operation.Fault(Base + ((ulong)p * Page), FaultFlags.Write)) >= 0);
        return mm;
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void The_page_time_lands_at_the_page_event_in_its_lock_context(bool insideTheLock, bool hooked)
    {
        const double segmentNs = 100;
        const double pageNs = 10_000;
        var time = new VirtualTime(new Machine("test", 2, 1, 50, 50, "test values"), 2, [segmentNs], [pageNs]);
        var ptl = new SpinLockT(LockRank.PageTableLock);
        // t0 takes the lock and does one page of work inside or after it; t1, whose clock is
        // then the earlier, waits for the lock.
        Action[] bodies =
        [
            () =>
            {
                ptl.Lock();
                time.BeginOp(0, 0);
                if (insideTheLock)
                    PageWork.Page(PageEvent.Unmap);
                SchedHook.Sched(SchedPoint.Preempt, null);
                ptl.Unlock();
                if (!insideTheLock)
                    PageWork.Page(PageEvent.Unmap);
                time.EndOp(0);
            },
            () =>
            {
                ptl.Lock();
                ptl.Unlock();
            },
        ];
        ManagedRun.Clean(bodies, time, hooked ? time.OnPage : null);
        Assert.Equal(hooked ? 1 : 0, time.PagesByKind[0]);
        // The holder's three segments (the op's start, the preempt, the unlock) always; the
        // page only while it holds the lock, and only with the hook: without one it costs nothing.
        var waitsForThePage = insideTheLock && hooked;
        Assert.InRange(time.WaitNs, waitsForThePage ? pageNs : 2 * segmentNs, waitsForThePage ? pageNs + (4 * segmentNs) : 4 * segmentNs);
    }

    [Fact]
    public void A_simulation_installs_the_hook_for_its_run_only()
    {
        Assert.Null(PageWork.Hook);
        var one = new SimulationStudy(WithMunmapWork, 7, 512, AddressSpaceFactory.Managed).Simulate(BenchWorkload.Malloc1, "mmu", 1, Machines.X86Vm16);
        Assert.True(one.Ops > 0);
        Assert.Null(PageWork.Hook);
    }

    [Theory]
    [InlineData(BenchWorkload.Ebizzy)]
    [InlineData(BenchWorkload.Malloc1)]
    public void One_cpu_spends_the_augmented_costs_to_the_digit_with_the_added_work_at_its_pages(BenchWorkload workload)
    {
        var calibration = WithMunmapWork;
        var profile = Simulator.Profile(new Simulator.Point(workload, "mmu-spf", 1, 7, 512) { MmThreads = Simulator.ProfileMmThreads });
        var model = calibration.Local("mmu-spf", workload.Name(), LocalWork.Model);
        var kernel = calibration.Local("mmu-spf", workload.Name(), LocalWork.Kernel);
        var spread = Simulator.Spread(model, kernel, profile);

        // Faults and munmaps have pages; mmap has none and keeps the even spread of all its work.
        Assert.Equal(1, profile.PagesPerOp[(int)OpKind.Fault]);
        Assert.True(profile.PagesPerOp[(int)OpKind.Munmap] >= 1, $"{profile.PagesPerOp[(int)OpKind.Munmap]} pages per munmap");
        Assert.Equal(0, profile.PagesPerOp[(int)OpKind.Mmap]);
        Assert.Equal(0, spread.PageNs[(int)OpKind.Mmap]);
        Assert.Equal(kernel.Of(OpKind.Mmap), spread.SegmentNs[(int)OpKind.Mmap] * (profile.PointsPerOp[(int)OpKind.Mmap] + 1), 1e-9);
        var f = (int)OpKind.Fault;
        Assert.Equal(model.Of(OpKind.Fault), spread.SegmentNs[f] * (profile.PointsPerOp[f] + 1), 1e-9);
        Assert.Equal(kernel.Of(OpKind.Fault) - model.Of(OpKind.Fault), spread.PageNs[f] * profile.PagesPerOp[f], 1e-9);
        Assert.Equal(0, spread.ZapNs[f]);

        // A munmap's own work splits at its first page: the share of its segments from it on
        // (its zap's) goes to its pages as zap work, the rest stays on every segment; its added
        // work stays page work.
        var m = (int)OpKind.Munmap;
        var segments = profile.PointsPerOp[m] + 1;
        var zap = model.Of(OpKind.Munmap) * profile.PointsAfterPagePerOp[m] / segments;
        Assert.InRange(profile.PointsAfterPagePerOp[m], 1, profile.PointsPerOp[m] - 1);
        Assert.Equal(model.Of(OpKind.Munmap) - zap, spread.SegmentNs[m] * segments, 1e-9);
        Assert.Equal(zap, spread.ZapNs[m] * profile.PagesPerOp[m], 1e-9);
        Assert.Equal(kernel.Of(OpKind.Munmap) - model.Of(OpKind.Munmap), spread.PageNs[m] * profile.PagesPerOp[m], 1e-9);

        var one = new SimulationStudy(calibration, 7, 512, AddressSpaceFactory.Managed).Simulate(workload, "mmu-spf", 1, Machines.X86Vm16);
        var augmented = TestCalibrations.CostOf(one, kernel);
        Assert.Equal("kernel", one.Local);
        Assert.Equal(augmented, one.MakespanNs, augmented * 1e-12);
        Assert.Equal(one.MakespanNs, one.LocalNs);
    }

    // LocalWorkSpecs' fixed costs, but the kernel's munmap dearer than the model's, so munmap has added work too.
    internal static readonly Calibration WithMunmapWork = TestCalibrations.Of(512, ["mmu", "mmu-spf"], BenchWorkloads.All,
        LocalWorkSpecs.ModelPerKind, () => TestCalibrations.PerKind(2900, 37_000, 2300));

    private readonly record struct Held(int MmapSem, int MmRbLock, int Pte, int Seq);

    private static List<string> Events(List<string> log, Func<long> op)
    {
        log.Clear();
        Assert.True(op() >= 0);
        return [.. log];
    }

    // What the thread held at each page event, from the points before it.
    private static List<Held> Context(List<string> events)
    {
        var at = new List<Held>();
        int mmapSem = 0, rb = 0, pte = 0, seq = 0;
        foreach (var e in events)
        {
            switch (e)
            {
                case "page": at.Add(new Held(mmapSem, rb, pte, seq)); break;
                case "Lock mmap_sem": mmapSem++; break;
                case "Unlock mmap_sem": mmapSem--; break;
                case "Lock mm_rb_lock": rb++; break;
                case "Unlock mm_rb_lock": rb--; break;
                case "Lock pte lock": pte++; break;
                case "Unlock pte lock": pte--; break;
                case "SeqBegin vma": seq++; break;
                case "SeqEnd vma": seq--; break;
            }
        }
        return at;
    }
}
