// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;
using static Testbed.Tests.Interleaving.RacedVma;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// Two rules of the speculative fault that its later re-checks would otherwise hide, each
/// pinned by the abort reason only that rule gives, in one fixed schedule on both backends:
/// <list type="bullet">
/// <item>pte_map_lock only TRIES the page-table lock, with interrupts off: a zap that holds
/// that lock waits, before it drops it, for every CPU to answer its TLB-flush IPI, and a CPU
/// spinning on the lock with interrupts off never would. The fault must give up (PTL_BUSY)
/// and never wait for the lock.</item>
/// <item>the vm_sequence re-check right after the bounds check: a munmap that lands between
/// the two must be seen there (SEQ_CHANGED), not later by the detach check (DETACHED).</item>
/// </list>
/// Removing either rule (mutants spf-ptl-spin and spf-no-bounds-recheck, docs/mutants.md)
/// fails these. Each case runs in a process of its own (<see cref="IsolatedSpec"/>).
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class SpeculativeRuleSpecs(ITestOutputHelper output)
{
    private const string Config = "mmu-spf";

    /// <summary>A read-only neighbour after the raced VMA, in the same page table (they do not merge).</summary>
    private const ulong Neighbour = Base + (Pages * Page);

    private static string Replay(string test, string backend) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.SpeculativeRuleSpecs.{test}\" " +
        $"(backend {backend}; no seed: the schedule is fixed)";

    /// <summary>
    /// munmap of the populated neighbour is stopped at its zap's TLB flush, holding the page
    /// table's lock; a speculative write fault on the raced VMA then arrives: everything it
    /// checked is unchanged, but the lock is taken. It must not wait for it (the zap would wait
    /// for its IPI answer for good): it aborts PTL_BUSY, falls back to the classic path, which
    /// waits for mmap_sem, and once the munmap is let go the classic path installs the page.
    /// The zap's IPI check finds no one waiting for the lock with interrupts off.
    /// </summary>
    [Theory]
    [InlineData("native")]
    [InlineData("managed")]
    public Task A_speculative_fault_meeting_a_zap_inside_the_page_table_lock_gives_up_ptl_busy(string backend) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(PtlBusyRace), backend);

    private static void PtlBusyRace(string backend)
    {
        var replay = Replay(nameof(A_speculative_fault_meeting_a_zap_inside_the_page_table_lock_gives_up_ptl_busy), backend);
        using var mm = Create(backend, Config);
        Prime(mm);
        Assert.Equal((long)Neighbour, mm.Execute(Operation.Mmap(Neighbour, 2 * Page, Prot.Read,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        Assert.Equal((long)FaultResult.Classic, mm.Execute(Operation.Fault(Neighbour, FaultFlags.Read | FaultFlags.NoSpeculative)));
        Assert.Equal(2, mm.Snapshot().Count);
        var before = mm.GetStats();
        var gate = new SchedGate(PausePoint.Never) { StopWriterAtPreempt = true };

        var writer = new RacedThread("rule-zap", gate.BindWriter, mm, Operation.Munmap(Neighbour, 2 * Page));
        var fault = new RacedThread("rule-fault", gate.BindTarget, mm, Operation.Fault(Raced, FaultFlags.Write));
        bool faultPassed;
        using (HookInstall.Install(backend, gate))
        {
            try
            {
                writer.Start();
                Assert.True(gate.WaitWriterPaused(),
                    $"munmap of the neighbour never reached its zap's TLB flush; writer steps: [{string.Join(", ", gate.WriterSteps)}]; replay: {replay}");
                fault.Start();
                faultPassed = gate.WaitTargetPassedLock(gate.WriterPausedAt.Obj);
            }
            finally
            {
                gate.ReleaseWriter();
                gate.Release();
            }
            Assert.True(writer.Join(SchedGate.Timeout) && fault.Join(SchedGate.Timeout),
                $"the munmap or the fault did not finish once the munmap was let go; fault trace:\n{gate.TargetTrace()}\nreplay: {replay}");
        }
        Console.WriteLine($"fault thread's scheduling points:\n{gate.TargetTrace()}");
        Console.WriteLine($"writer: {string.Join(", ", gate.WriterSteps)}");
        Assert.True(faultPassed,
            $"the speculative fault waited for the page-table lock the stopped zap holds ({gate.WriterPausedAt}) instead of giving up; " +
            $"fault trace:\n{gate.TargetTrace()}\nviolations: {string.Join("; ", mm.Violations())}\nreplay: {replay}");
        Assert.Null(writer.Error);
        Assert.Null(fault.Error);
        Assert.Null(gate.Failure);
        Assert.Equal(0, writer.Result);
        Assert.True(fault.Result == (long)FaultResult.Classic,
            $"the fault answered {Errno.Format(fault.Result)}, expected the classic path's success; replay: {replay}");
        AssertAbortedOnce(before, mm.GetStats(), SpfAbort.PtlBusy, replay);
        var vma = Assert.Single(mm.Snapshot());
        Assert.Equal(2u, vma.Populated);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// A speculative write fault stopped after its bounds, flags and policy checks, before the
    /// vm_sequence re-check; munmap of the whole VMA runs to completion (detach, then the zap in
    /// a write section). The re-check right after the bounds check sees the sequence moved:
    /// SEQ_CHANGED. Without it the fault would go on to its page table and be turned away only
    /// by the detach check (DETACHED). The classic path answers -EFAULT.
    /// </summary>
    [Theory]
    [InlineData("native")]
    [InlineData("managed")]
    public Task Munmap_between_the_bounds_check_and_its_recheck_is_seen_by_the_recheck(string backend) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(BoundsRecheckRace), backend);

    private static void BoundsRecheckRace(string backend)
    {
        var replay = Replay(nameof(Munmap_between_the_bounds_check_and_its_recheck_is_seen_by_the_recheck), backend);
        using var mm = Create(backend, Config);
        var before = Prime(mm);
        var gate = new SchedGate(PausePoint.BoundsRecheck);

        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate))
            outcome = SpfRace.Run(mm, gate, Operation.Fault(Raced, FaultFlags.Write), Operation.Munmap(Base, Pages * Page), replay);

        Console.WriteLine($"fault thread's scheduling points (> = stopped there):\n{gate.TargetTrace()}");
        Assert.Equal(SchedPoint.Preempt, gate.PausedAt.Point);
        Assert.True(gate.HeldAtPause().Count == 0, $"the fault held [{string.Join(", ", gate.HeldAtPause())}] at {gate.PausedAt}; replay: {replay}");
        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EFAULT,
            $"fault after munmap answered {Errno.Format(outcome.FaultResult)}, expected -EFAULT; replay: {replay}");
        var after = mm.GetStats();
        AssertAbortedOnce(before, after, SpfAbort.SeqChanged, replay);
        Assert.Empty(mm.Snapshot());
        Assert.Equal(0ul, after.PopulatedPages);
        Assert.Equal(0ul, after.LiveVmas);
        AssertHealthy(mm, replay);
    }
}
