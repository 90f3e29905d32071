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
/// A fault's page-table walk begins at mm->pgd, which the kernel's mm_struct keeps on mmap_sem's
/// cache line (<see cref="LineRead"/>, a cost hook, not a scheduling point). Read from the
/// port's reports (one read of its mm's mmap_sem line per fault, in every design) and from
/// virtual time on pft (counts, no wall time): where other CPUs want the line at every moment,
/// mmu's fault moves it three times (down_read, the walk's read after another CPU's write,
/// up_read), where they rarely do about twice (the read right after the down_read hits); the
/// per-VMA-lock design's not at all, since nobody writes mmap_sem there and the read stays shared.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class LineReadSpecs
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
        TestCalibrations.Of(Budget, ["mmu", "mmu-pvl"], [BenchWorkload.Pft], _ => TestCalibrations.PerKind(900, 4000, faultNs));

    [Theory]
    [InlineData("mmu", FaultFlags.Write | FaultFlags.NoSpeculative)]
    [InlineData("mmu-spf", FaultFlags.Write)]
    [InlineData("mmu-pvl", FaultFlags.Write)]
    public void A_fault_reads_its_mms_mmap_sem_line_once_where_its_walk_begins(string config, FaultFlags flags)
    {
        using var mm = new ManagedAddressSpace(config);
        Assert.Equal(0, mm.SetThreads(2));
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, 8 * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        var lines = new List<string>();
        using (LineRead.Install(line => lines.Add(mm.LineName(line))))
        {
            for (var p = 0UL; p < 4; p++)
                Assert.True(mm.Execute(Operation.Fault(Base + (p * Page), flags)) >= 0);
        }
        // The first write fault of a fresh VMA falls back to the classic path (no anon_vma yet)
        // and walks twice; every later one once, on whichever path handles it.
        Assert.InRange(lines.Count, 4, 5);
        Assert.All(lines, l => Assert.Equal("mmap_sem", l));
        Assert.Null(LineRead.Hook);
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
}
