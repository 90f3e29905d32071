// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Xunit;
using Xunit.Abstractions;
using Testbed.Tests.Isolation;
using static Testbed.Tests.Interleaving.RacedVma;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The interleaving the SPF protocol exists for, forced through the scheduling hook on both
/// backends (mmu-spf): a speculative fault pinned its VMA with get_vma and is stopped, holding
/// no lock, before it samples vm_sequence or before it takes page_table_lock to install; a
/// munmap or mprotect then runs to completion; the fault resumes. The re-check under
/// page_table_lock (node still in the tree, sequence unchanged) must send it to the classic
/// path, which answers for the new layout. No randomness: each case is one fixed schedule.
/// Each case runs in a process of its own (<see cref="IsolatedSpec"/>): a native crash in a
/// forced interleaving fails that case only.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class SpeculativeFaultRaceSpecs(ITestOutputHelper output)
{
    private const string Config = "mmu-spf";

    private static string Replay(string test, string backend, PausePoint at) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.SpeculativeFaultRaceSpecs.{test}\" " +
        $"(backend {backend}, pause {at}; no seed: the schedule is fixed)";

    /// <summary>The raced fault was tried speculatively once, aborted for <paramref name="reason"/> only, fell back and got SIGSEGV.</summary>
    private static void AssertAbortedIntoSegv(Stats before, Stats after, SpfAbort reason, string replay)
    {
        AssertAbortedOnce(before, after, reason, replay);
        Assert.Equal(1ul, after.Fallbacks - before.Fallbacks);
        Assert.Equal(1ul, after.Segv - before.Segv);
    }

    /// <summary>The paused fault held no lock, and the writer changed the very seqcount it sampled.</summary>
    private static void AssertTheRaceWasReal(SchedGate gate, string replay)
    {
        Console.WriteLine($"fault thread's scheduling points (> = stopped there):\n{gate.TargetTrace()}");
        Console.WriteLine($"writer: {string.Join(", ", gate.WriterSteps)}");
        Assert.True(gate.HeldAtPause().Count == 0,
            $"the fault held [{string.Join(", ", gate.HeldAtPause())}] at {gate.PausedAt}; replay: {replay}");
        var begun = gate.WriterSteps.Where(s => s.Point == SchedPoint.SeqBegin).Select(s => s.Obj).ToList();
        Assert.True(begun.Contains(gate.SampledSequence),
            $"the writer never began a write section on the fault's vm_sequence {SchedStep.Describe(gate.SampledSequence)}; " +
            $"its SEQ_BEGINs: [{string.Join(", ", begun.Select(SchedStep.Describe))}]; replay: {replay}");
    }

    /// <summary>
    /// munmap of the whole VMA while the fault is stopped: the fault's reference keeps the
    /// detached VMA alive (live but not in the tree); on resume it aborts, the classic path
    /// finds no VMA (-EFAULT), nothing is populated outside a VMA, and the last put frees the
    /// VMA. Stopped before page_table_lock, the fault is caught by the re-check: the node is
    /// empty (DETACHED). Stopped before the sample, a fault already sees that munmap unlinked
    /// the anon_vma (NO_ANON_VMA), read faults too: the series turns away any fault on a VMA
    /// without one.
    /// </summary>
    [Theory]
    [InlineData("native", PausePoint.PageTableLock, FaultFlags.Write, SpfAbort.Detached)]
    [InlineData("native", PausePoint.SequenceSample, FaultFlags.Write, SpfAbort.NoAnonVma)]
    [InlineData("native", PausePoint.SequenceSample, FaultFlags.Read, SpfAbort.NoAnonVma)]
    [InlineData("managed", PausePoint.PageTableLock, FaultFlags.Write, SpfAbort.Detached)]
    [InlineData("managed", PausePoint.SequenceSample, FaultFlags.Write, SpfAbort.NoAnonVma)]
    [InlineData("managed", PausePoint.SequenceSample, FaultFlags.Read, SpfAbort.NoAnonVma)]
    public Task Munmap_while_a_speculative_fault_is_stopped_makes_it_abort_and_answer_efault(
        string backend, PausePoint at, FaultFlags access, SpfAbort expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MunmapRace), backend, at, access, expected);

    private static void MunmapRace(string backend, PausePoint at, FaultFlags access, SpfAbort expected)
    {
        var replay = Replay(nameof(Munmap_while_a_speculative_fault_is_stopped_makes_it_abort_and_answer_efault), backend, at) +
            $" ({access} fault)";
        using var mm = Create(backend, Config);
        var before = Prime(mm);
        var gate = new SchedGate(at);

        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate))
            outcome = SpfRace.Run(mm, gate, Operation.Fault(Raced, access), Operation.Munmap(Base, Pages * Page), replay);

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EFAULT,
            $"fault after munmap answered {Errno.Format(outcome.FaultResult)}, expected -EFAULT; replay: {replay}");
        AssertTheRaceWasReal(gate, replay);
        if (at == PausePoint.PageTableLock)
        {
            Assert.True(gate.WriterSteps.Contains(new SchedStep(SchedPoint.Lock, gate.PausedAt.Obj)),
                $"munmap never took the lock the fault stopped before ({gate.PausedAt}); replay: {replay}");
        }

        Assert.Equal(0ul, outcome.WhilePaused.MapCount);
        Assert.Equal(1ul, outcome.WhilePaused.LiveVmas);
        Assert.Equal(0ul, outcome.WhilePaused.PopulatedPages);

        var after = mm.GetStats();
        AssertAbortedIntoSegv(before, after, expected, replay);
        Assert.Empty(mm.Snapshot());
        Assert.Equal(0ul, after.MapCount);
        Assert.Equal(0ul, after.PopulatedPages);
        Assert.Equal(0ul, after.LiveVmas);
        Assert.Equal(0ul, after.LiveAnonVmas);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// mprotect(PROT_READ) of the whole VMA while a speculative WRITE fault is stopped: the
    /// VMA stays in the tree but its flags changed inside a vm_sequence write section. Stopped
    /// after the sample, the fault must not install through the now read-only VMA: it aborts
    /// on the sequence (SEQ_CHANGED). Stopped before the sample, it reads the new flags and
    /// aborts ACCESS. Either way the classic path answers -EACCES and only the primed page
    /// stays populated.
    /// </summary>
    [Theory]
    [InlineData("native", PausePoint.PageTableLock, SpfAbort.SeqChanged)]
    [InlineData("native", PausePoint.SequenceSample, SpfAbort.Access)]
    [InlineData("managed", PausePoint.PageTableLock, SpfAbort.SeqChanged)]
    [InlineData("managed", PausePoint.SequenceSample, SpfAbort.Access)]
    public Task Mprotect_read_only_while_a_speculative_write_fault_is_stopped_makes_it_answer_eacces(
        string backend, PausePoint at, SpfAbort expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MprotectRace), backend, at, expected);

    private static void MprotectRace(string backend, PausePoint at, SpfAbort expected)
    {
        var replay = Replay(nameof(Mprotect_read_only_while_a_speculative_write_fault_is_stopped_makes_it_answer_eacces), backend, at);
        using var mm = Create(backend, Config);
        var before = Prime(mm);
        var gate = new SchedGate(at);

        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate))
        {
            outcome = SpfRace.Run(mm, gate, Operation.Fault(Raced, FaultFlags.Write),
                Operation.Mprotect(Base, Pages * Page, Prot.Read), replay);
        }

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EACCES,
            $"write fault after mprotect(PROT_READ) answered {Errno.Format(outcome.FaultResult)}, expected -EACCES; replay: {replay}");
        AssertTheRaceWasReal(gate, replay);

        var after = mm.GetStats();
        AssertAbortedIntoSegv(before, after, expected, replay);
        var vma = Assert.Single(mm.Snapshot());
        Assert.Equal(Base, vma.Start);
        Assert.Equal(Base + (Pages * Page), vma.End);
        Assert.Equal(VmFlags.Read, vma.Flags & (VmFlags.Read | VmFlags.Write | VmFlags.Exec));
        Assert.Equal(1u, vma.Populated);
        Assert.Equal(1ul, after.PopulatedPages);
        Assert.Equal(1ul, after.LiveVmas);
        Assert.Equal(1ul, after.LiveAnonVmas);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// The managed port with its re-check switched off (TestOnlySkipSpeculativeRecheck), in
    /// the munmap schedule: the resumed fault installs through the detached VMA and reports
    /// success, leaving a populated page that no VMA covers, and Validate() finds it. This is
    /// what the re-check prevents, and it shows the checks above can fail.
    /// </summary>
    [Fact]
    public Task Without_the_recheck_the_munmap_race_leaves_a_page_outside_any_vma_and_validate_reports_it() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(UncheckedMunmapRace));

    private static void UncheckedMunmapRace()
    {
        const string backend = "managed";
        var replay = Replay(nameof(Without_the_recheck_the_munmap_race_leaves_a_page_outside_any_vma_and_validate_reports_it),
            backend, PausePoint.PageTableLock);
        using var mm = Create(backend, Config, new ManagedOptions { TestOnlySkipSpeculativeRecheck = true });
        var before = Prime(mm);
        var gate = new SchedGate(PausePoint.PageTableLock);

        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate))
            outcome = SpfRace.Run(mm, gate, Operation.Fault(Raced, FaultFlags.Write), Operation.Munmap(Base, Pages * Page), replay);

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == (long)FaultResult.Speculative,
            $"the unchecked fault answered {Errno.Format(outcome.FaultResult)}, expected a speculative success; replay: {replay}");
        AssertTheRaceWasReal(gate, replay);

        var after = mm.GetStats();
        Assert.Equal(1ul, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(0ul, after.Fallbacks - before.Fallbacks);
        Assert.Empty(mm.Snapshot());
        Assert.Equal(0ul, after.MapCount);
        Assert.Equal(1ul, after.PopulatedPages);
        Assert.Equal(0ul, after.LiveVmas);
        var problems = mm.Validate();
        Assert.True(problems > 0,
            $"Validate() found nothing although page 0x{Raced:x} is populated with no VMA; replay: {replay}");
    }

}
