// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using Xunit.Abstractions;
using Testbed.Tests.Isolation;
using static Testbed.Tests.Interleaving.RacedVma;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// SPF v9's fallback (mmu-spf-v9, "mm: speculative page fault handler return VMA", dropped in
/// v11): a speculative fault that gives up keeps its get_vma reference and hands the VMA to the
/// classic path, which under mmap_sem reuses it when can_reuse_spf_vma holds (still in mm_rb,
/// still covering the address) and otherwise looks the address up again; the reference is
/// dropped there either way. Counted by tb_stats.spf_vma_reused, on both backends; mmu-spf
/// (v11) never reuses. The races are forced through the scheduling hook, one fixed schedule
/// each: the fault is stopped after get_vma, before page_table_lock; a writer runs to
/// completion; the fault resumes, aborts, and falls back.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class SpfReuseVmaSpecs(ITestOutputHelper output)
{
    private const string V9 = "mmu-spf-v9";

    private static string Replay(string test, string backend) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.SpfReuseVmaSpecs.{test}\" " +
        $"(backend {backend}; no seed: the schedule is fixed)";

    /// <summary>
    /// A read fault on a VMA without an anon_vma gives up (NO_ANON_VMA) with the VMA in the tree
    /// and covering the address: v9 reuses it, v11 (mmu-spf) calls find_vma. Then munmap frees
    /// the VMA, so the handed-over reference was dropped.
    /// </summary>
    [Theory]
    [InlineData("native", V9, 1)]
    [InlineData("managed", V9, 1)]
    [InlineData("native", "mmu-spf", 0)]
    [InlineData("managed", "mmu-spf", 0)]
    public void A_fallback_reuses_the_vma_its_speculative_attempt_found(string backend, string config, int reused)
    {
        var replay = Replay(nameof(A_fallback_reuses_the_vma_its_speculative_attempt_found), backend) + $" (config {config})";
        using var mm = Create(backend, config);
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));

        Assert.Equal((long)FaultResult.Classic, mm.Execute(Operation.Fault(Raced, FaultFlags.Read)));

        var stats = mm.GetStats();
        Assert.Equal((1ul, 1ul, 1ul), (stats.SpfAbortNoAnonVma, stats.Fallbacks, stats.ClassicFaults));
        Assert.True((ulong)reused == stats.SpfVmaReused, $"spf_vma_reused {stats.SpfVmaReused}, expected {reused}; replay: {replay}");
        Assert.Equal(1u, Assert.Single(mm.Snapshot()).Populated);
        AssertHealthy(mm, replay);
        Assert.Equal(0, mm.Execute(Operation.Munmap(Base, Pages * Page)));
        Assert.Equal(0ul, mm.GetStats().LiveVmas);
    }

    /// <summary>
    /// Give-ups that reuse nothing: get_vma finding no VMA hands none over; one finding the VMA
    /// above a hole (its bounds do not cover the address) hands it over and can_reuse_spf_vma
    /// refuses it (find_vma, -EFAULT); an access error (v9's VM_FAULT_SIGSEGV) puts the VMA in
    /// the speculative path and x86 retries classic with none (-EACCES). No reference is left.
    /// </summary>
    [Theory]
    [InlineData("native")]
    [InlineData("managed")]
    public void A_fallback_whose_vma_does_not_cover_the_address_or_that_failed_access_reuses_nothing(string backend)
    {
        var replay = Replay(nameof(A_fallback_whose_vma_does_not_cover_the_address_or_that_failed_access_reuses_nothing), backend);
        using var mm = Create(backend, V9);
        var before = Prime(mm);
        Assert.Equal(0, mm.Execute(Operation.Mprotect(Base, Pages * Page, Prot.Read)));

        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Fault(Base + (8 * Pages * Page), FaultFlags.Read)));
        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Fault(Base - Page, FaultFlags.Read)));
        Assert.Equal(-Errno.EACCES, mm.Execute(Operation.Fault(Raced, FaultFlags.Write)));

        var after = mm.GetStats();
        Assert.Equal((2ul, 1ul), (after.SpfAbortNoVma - before.SpfAbortNoVma, after.SpfAbortAccess - before.SpfAbortAccess));
        Assert.Equal(3ul, after.Fallbacks - before.Fallbacks);
        Assert.True(after.SpfVmaReused == 0, $"spf_vma_reused {after.SpfVmaReused}, expected 0; replay: {replay}");
        AssertHealthy(mm, replay);
        Assert.Equal(0, mm.Execute(Operation.Munmap(Base, Pages * Page)));
        Assert.Equal(0ul, mm.GetStats().LiveVmas);
    }

    /// <summary>
    /// The three fates of the handed-over VMA when a writer runs while the fault is stopped
    /// before page_table_lock: munmap of the whole VMA empties its node (DETACHED) and the
    /// fallback looks up again (-EFAULT); the reference the fault kept is what keeps the VMA
    /// alive until can_reuse_spf_vma's put frees it. mprotect of the upper half splits it, the
    /// original (vma_adjust) keeping the lower half, the address now in the new VMA: looked up
    /// again, the page lands in the new VMA. mprotect(PROT_READ) from the raced page up: the
    /// original keeps the upper part, still covering the address (the split's new VMA is below):
    /// reused, and the read fault succeeds under mmap_sem on the VMA's new flags.
    /// </summary>
    [Theory]
    [InlineData("native", Race.MunmapAll)]
    [InlineData("managed", Race.MunmapAll)]
    [InlineData("native", Race.SplitAway)]
    [InlineData("managed", Race.SplitAway)]
    [InlineData("native", Race.SplitKeeps)]
    [InlineData("managed", Race.SplitKeeps)]
    public Task A_writer_racing_the_stopped_fault_decides_whether_its_vma_is_reused(string backend, Race race) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(RaceAndFallBack), backend, race);

    /// <summary>What the writer does while the fault is stopped.</summary>
    public enum Race
    {
        /// <summary>munmap of the whole VMA.</summary>
        MunmapAll,

        /// <summary>mprotect(PROT_READ) of the upper half: the raced page ends up in the split's new VMA.</summary>
        SplitAway,

        /// <summary>mprotect(PROT_READ) from the raced page up: the original VMA still covers it.</summary>
        SplitKeeps,
    }

    private static void RaceAndFallBack(string backend, Race race)
    {
        var replay = Replay(nameof(A_writer_racing_the_stopped_fault_decides_whether_its_vma_is_reused), backend) + $" ({race})";
        using var mm = Create(backend, V9);
        var before = Prime(mm);
        var original = Assert.Single(mm.Snapshot()).Id;
        var gate = new SchedGate(PausePoint.PageTableLock);
        var writer = race switch
        {
            Race.MunmapAll => Operation.Munmap(Base, Pages * Page),
            Race.SplitAway => Operation.Mprotect(Base + (2 * Page), 2 * Page, Prot.Read),
            _ => Operation.Mprotect(Raced, (Pages - 1) * Page, Prot.Read),
        };

        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate, V9))
            outcome = SpfRace.Run(mm, gate, Operation.Fault(Raced, FaultFlags.Read), writer, replay);

        Assert.Equal(0, outcome.WriterResult);
        var after = mm.GetStats();
        AssertAbortedOnce(before, after, race == Race.MunmapAll ? SpfAbort.Detached : SpfAbort.SeqChanged, replay);
        var reused = race == Race.SplitKeeps ? 1ul : 0ul;
        Assert.True(after.SpfVmaReused == reused, $"spf_vma_reused {after.SpfVmaReused}, expected {reused}; replay: {replay}");
        var vmas = mm.Snapshot();
        if (race == Race.MunmapAll)
        {
            // The fault's reference kept the detached VMA until the fallback's put.
            Assert.Equal(1ul, outcome.WhilePaused.LiveVmas);
            Assert.Equal(-Errno.EFAULT, outcome.FaultResult);
            Assert.Empty(vmas);
            Assert.Equal((0ul, 0ul), (after.LiveVmas, after.PopulatedPages));
        }
        else
        {
            Assert.Equal((long)FaultResult.Classic, outcome.FaultResult);
            Assert.Equal(2, vmas.Count);
            var covering = Assert.Single(vmas, v => v.Start <= Raced && Raced < v.End);
            Assert.True((covering.Id == original) == (race == Race.SplitKeeps),
                $"the raced page's VMA is {covering.Id} (the original was {original}); replay: {replay}");
            Assert.Equal(2ul, after.PopulatedPages);
        }
        AssertHealthy(mm, replay);
        Assert.Equal(0, mm.Execute(Operation.Munmap(Base, Pages * Page)));
        Assert.Equal(0ul, mm.GetStats().LiveVmas);
    }
}
