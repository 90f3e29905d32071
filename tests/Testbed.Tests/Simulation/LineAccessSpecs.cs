// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Managed;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The model's locks and plain accesses land on the cache lines of the kernel's mm_struct
/// (Mm/MmLines.cs; <see cref="LineAccess"/>, a cost hook, not a scheduling point): 4.16 + SPF
/// puts mm_rb, mm_rb_lock and vmacache_seqnum on line 0, pgd, page_table_lock and mmap_sem's
/// count on line 1, mmap_sem's wait lock and owner on line 2. Read from the port's reports
/// (single thread, a recording hook) and from virtual time (counts, no wall time): on pft,
/// mmu's fault moves mmap_sem's line three times where other CPUs want it at every moment
/// (down_read, the walk's read of pgd after another CPU's write, up_read) and about twice
/// where they rarely do; the per-VMA-lock design's not at all; a classic fault of mmu-spf reads
/// the line get_vma writes, and page_table_lock is no line of its own.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class LineAccessSpecs
{
    private const ulong Page = 4096;
    private const ulong Base = 0x300000000UL;
    private const ulong Seed = 7;
    private const int Budget = 512;

    private static readonly Machine Eight = new("test", 8, 2, 50, 120, "test values");

    // Fixed costs, ns per operation: nothing here is measured. Short faults keep mmap_sem's line
    // wanted by another CPU at every moment; long ones leave it alone most of the time.
    private static readonly Calibration Fixed = FaultsOf(300);

    private static Calibration FaultsOf(double faultNs) =>
        TestCalibrations.Of(Budget, ["mmu", "mmu-spf", "mmu-pvl"], [BenchWorkload.Pft, BenchWorkload.Malloc1], _ => TestCalibrations.PerKind(900, 4000, faultNs));

    [Theory]
    [InlineData("mmu", "mm_rb")]
    [InlineData("mmu-spf", "mm_rb_lock")]
    [InlineData("mmu-pvl", "mm_mt")]
    public void Mmap_sem_page_table_lock_and_pgd_share_a_line_and_the_tree_has_its_own(string config, string tree)
    {
        using var mm = new ManagedAddressSpace(config);
        var mmapSem = mm.LineOf(mm.Mm.MmapSem);
        Assert.Equal("mmap_sem", mm.LineName(mmapSem));
        Assert.Same(mmapSem, mm.LineOf(mm.Mm.PageTableLock));
        Assert.Same(mmapSem, mm.Mm.Lines.Sem);
        Assert.Equal(tree, mm.LineName(mm.Mm.Lines.Tree));
        Assert.NotSame(mmapSem, mm.LineOf(mm.Mm.MmRbLock));
        // The owner and the wait lock sit on the next line (4.16: after the wait list; 6.4: right
        // after the count, which its mm_struct keeps at offset 120 for that).
        Assert.Equal("mmap_sem wait", mm.LineName(mm.Mm.Lines.SemWait));
        // 4.16 without SPF: the wait list straddles the two lines, its head pointer on the count's.
        Assert.Equal(config == "mmu" ? "mmap_sem" : "mmap_sem wait", mm.LineName(mm.Mm.Lines.SemWaitListHead));
    }

    [Theory]
    [InlineData("mmu", FaultFlags.Write | FaultFlags.NoSpeculative, "mm_rb")]
    [InlineData("mmu-spf", FaultFlags.Write, "mm_rb_lock")]
    public void A_fault_reads_the_trees_line_at_find_vma_and_pgds_line_once_where_its_walk_begins(string config, FaultFlags flags, string tree)
    {
        using var mm = new ManagedAddressSpace(config);
        Assert.Equal(0, mm.SetThreads(2));
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, 8 * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        var accesses = new List<(string Line, bool Write)>();
        using (LineAccess.Install((line, write) => accesses.Add((mm.LineName(line), write))))
        {
            for (var p = 0UL; p < 4; p++)
                Assert.True(mm.Execute(Operation.Fault(Base + (p * Page), flags)) >= 0);
        }
        // pgd: one read per fault, whichever path handles it; mmap_sem's count is written at points only.
        Assert.Equal(4, accesses.Count(a => a == ("mmap_sem", false)));
        Assert.DoesNotContain(("mmap_sem", true), accesses);
        // find_vma (mmu-spf: get_vma's, and the fallback's of the first fault) reads the tree's line.
        Assert.InRange(accesses.Count(a => a == (tree, false)), 4, 5);
        // Each down_read reads the owner (rwsem_set_reader_owned) on the next line; the first writes it.
        var owner = accesses.Where(a => a.Line == "mmap_sem wait").ToList();
        Assert.Equal(config == "mmu" ? 4 : 1, owner.Count(a => !a.Write));
        Assert.Equal(1, owner.Count(a => a.Write));
        Assert.Null(LineAccess.Hook);
    }

    [Fact]
    public void On_malloc1_mmu_spfs_classic_faults_read_the_line_get_vma_writes_and_page_table_lock_is_mmap_sems_line()
    {
        var study = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed);
        var mmu = study.Simulate(BenchWorkload.Malloc1, "mmu", 4, Eight);
        var spf = study.Simulate(BenchWorkload.Malloc1, "mmu-spf", 4, Eight);

        // page_table_lock (anon_vma_prepare, __pte_alloc) moves with mmap_sem's line, not its own.
        Assert.DoesNotContain(mmu.ByLine, l => l.Line == "page_table_lock");
        Assert.DoesNotContain(spf.ByLine, l => l.Line == "page_table_lock");
        // mmu only reads the tree's line (no mm_rb_lock, no vmacache in the model): it stays shared.
        Assert.InRange(Assert.Single(mmu.ByLine, l => l.Line == "mm_rb").PerOp, 0, 0.05);
        // mmu-spf writes it at every get_vma and at mmap's and munmap's tree changes, and its
        // classic faults (malloc1's every fault: a fresh VMA has no anon_vma) read it again.
        Assert.True(Assert.Single(spf.ByLine, l => l.Line == "mm_rb_lock").PerOp > 0.5);
        Assert.Equal(0, mmu.Failed + spf.Failed);
        Assert.Null(mmu.SchedulerFailure ?? spf.SchedulerFailure);
    }

    [Fact]
    public void On_pft_mmus_fault_moves_mmap_sems_line_three_times_and_the_per_vma_designs_not_at_all()
    {
        var study = new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed);
        var mmu = study.Simulate(BenchWorkload.Pft, "mmu", 4, Eight);
        var pvl = study.Simulate(BenchWorkload.Pft, "mmu-pvl", 4, Eight);

        // down_read and up_read write the line; between them the walk reads pgd on it after the
        // other CPUs' writes moved it: a third move (without the read: two).
        var mmapSem = Assert.Single(mmu.ByLine, l => l.Line == "mmap_sem");
        Assert.InRange(mmapSem.PerOp, 2.5, 3.0);
        // The per-VMA path writes its VMA's lock twice; nobody writes mmap_sem's line, so every
        // CPU's read of pgd stays a shared hit after its first.
        Assert.InRange(Assert.Single(pvl.ByLine, l => l.Line == "vma lock").PerOp, 1.9, 2.0);
        Assert.InRange(Assert.Single(pvl.ByLine, l => l.Line == "mmap_sem").PerOp, 0, 0.05);
        Assert.Equal(0, mmu.Failed + pvl.Failed);
        Assert.Null(mmu.SchedulerFailure ?? pvl.SchedulerFailure);
    }

    [Fact]
    public void The_walks_read_right_after_down_read_hits_unless_another_cpu_asked_for_the_line_first()
    {
        // Two CPUs whose faults take 20 µs: when one reads pgd right after its down_read, the
        // other has rarely asked for the line since, so the read mostly hits and the line moves
        // about twice per fault (down_read, up_read); read after the fault's work it would
        // always have moved (three).
        var study = new SimulationStudy(FaultsOf(20_000), Seed, Budget, AddressSpaceFactory.Managed);
        var mmu = study.Simulate(BenchWorkload.Pft, "mmu", 2, Eight);

        Assert.InRange(Assert.Single(mmu.ByLine, l => l.Line == "mmap_sem").PerOp, 1.5, 2.2);
        Assert.Equal(0, mmu.Failed);
        Assert.Null(mmu.SchedulerFailure);
    }

    [Fact]
    public void Get_vmas_read_of_the_trees_root_right_after_its_read_lock_is_a_hit_even_with_the_line_wanted()
    {
        // Very short faults on eight CPUs: another CPU asks for mm_rb_lock's line at nearly
        // every moment. read_lock and read_unlock each move it (at most two per fault); the
        // root read between them follows the lock's own access at once (the kernel's load,
        // within cycles of the locked RMW) and moves nothing: 1.93 per fault. Made behind the
        // queued requests, as any other plain access, it moves the line again: 2.24.
        var study = new SimulationStudy(FaultsOf(50), Seed, Budget, AddressSpaceFactory.Managed);
        var spf = study.Simulate(BenchWorkload.Pft, "mmu-spf", 8, Eight);

        Assert.InRange(Assert.Single(spf.ByLine, l => l.Line == "mm_rb_lock").PerOp, 1.5, 2.05);
        Assert.Equal(0, spf.Failed);
        Assert.Null(spf.SchedulerFailure);
    }
}
