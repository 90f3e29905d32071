// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Xunit;
using Xunit.Abstractions;
using Testbed.Tests.Isolation;

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
    private const ulong Page = 4096;
    private const ulong Base = 0x300000000UL;
    private const int Pages = 4;

    /// <summary>Where the VMA's first write fault (classic) goes: it creates the anon_vma.</summary>
    private const ulong Primed = Base;

    /// <summary>Where the raced speculative write fault goes.</summary>
    private const ulong Raced = Base + Page;

    /// <summary>An mmu-spf mm of two threads: the series tries the speculative path only then.</summary>
    private static IAddressSpace Create(string backend, ManagedOptions? options = null)
    {
        IAddressSpace mm = backend switch
        {
            "native" => new NativeAddressSpace("mmu-spf"),
            "managed" => new ManagedAddressSpace("mmu-spf", options),
            _ => throw new ArgumentException($"unknown backend {backend}", nameof(backend)),
        };
        Assert.Equal(0, mm.SetThreads(2));
        return mm;
    }

    private static string Replay(string test, string backend, PausePoint at) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.SpeculativeFaultRaceSpecs.{test}\" " +
        $"(backend {backend}, pause {at}; no seed: the schedule is fixed)";

    /// <summary>
    /// A private anonymous RW VMA of <see cref="Pages"/> pages with an anon_vma (one classic
    /// write fault on its first page), so a speculative fault on another page is not
    /// turned away as NO_ANON_VMA and really reaches the install.
    /// </summary>
    private static Stats Prime(IAddressSpace mm)
    {
        var addr = mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous));
        Assert.Equal((long)Base, addr);
        Assert.Equal((long)FaultResult.Classic,
            mm.Execute(Operation.Fault(Primed, FaultFlags.Write | FaultFlags.NoSpeculative)));
        var vma = Assert.Single(mm.Snapshot());
        Assert.True(vma.HasAnonVma, "the classic write fault did not give the VMA an anon_vma");
        Assert.Equal(1u, vma.Populated);
        var stats = mm.GetStats();
        Assert.Equal(1ul, stats.LiveVmas);
        Assert.Equal(1ul, stats.LiveAnonVmas);
        return stats;
    }

    /// <summary>The raced fault was tried speculatively once, aborted for <paramref name="reason"/> only, and fell back.</summary>
    private static void AssertAbortedOnce(Stats before, Stats after, SpfAbort reason, string replay)
    {
        var deltas = AbortCounters.Deltas(before, after);
        var expected = Enum.GetValues<SpfAbort>().ToDictionary(r => r, r => r == reason ? 1ul : 0ul);
        Assert.True(expected.SequenceEqual(deltas),
            $"abort counters moved by {string.Join(", ", deltas.Select(kv => $"{kv.Key}={kv.Value}"))}, " +
            $"expected only {reason}=1; replay: {replay}");
        Assert.Equal(1ul, after.SpfAttempts - before.SpfAttempts);
        Assert.Equal(0ul, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(1ul, after.Fallbacks - before.Fallbacks);
        Assert.Equal(1ul, after.ClassicFaults - before.ClassicFaults);
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
        using var mm = Create(backend);
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
        AssertAbortedOnce(before, after, expected, replay);
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
        using var mm = Create(backend);
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
        AssertAbortedOnce(before, after, expected, replay);
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
        using var mm = Create(backend, new ManagedOptions { TestOnlySkipSpeculativeRecheck = true });
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

    private static void AssertHealthy(IAddressSpace mm, string replay)
    {
        var problems = mm.Validate();
        var violations = mm.Violations();
        Assert.True(problems == 0 && violations.Count == 0,
            $"{mm.Backend}/{mm.Config.Name}: validate {problems}, violations:\n{string.Join('\n', violations)}\nreplay: {replay}");
    }
}
