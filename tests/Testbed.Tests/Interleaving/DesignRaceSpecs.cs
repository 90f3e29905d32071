// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The forced interleavings of <see cref="SpeculativeFaultRaceSpecs"/> on the two other
/// designs, on both backends: mmu-spf-rcu (the SPF fault path, its VMA kept by an RCU
/// read-side section instead of a reference) and mmu-pvl (6.4's per-VMA locks). A munmap
/// that frees the VMA a stopped fault may still read must wait for the grace period; the
/// fault must then abort for the reason its design gives. Then each design's protocol is
/// broken three ways through the managed port's test-only switches, and the same schedule
/// catches each break. No randomness: each case is one fixed schedule. Each case runs in a
/// process of its own (<see cref="IsolatedSpec"/>), as the mmu-spf cases do.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class DesignRaceSpecs(ITestOutputHelper output)
{
    private const ulong Page = 4096;
    private const ulong Base = 0x300000000UL;
    private const int Pages = 4;
    private const ulong Raced = Base + Page;
    private const string SpfRcu = "mmu-spf-rcu";
    private const string Pvl = "mmu-pvl";

    private static IAddressSpace Create(string backend, string config, ManagedOptions? options = null)
    {
        IAddressSpace mm = backend switch
        {
            "native" => new NativeAddressSpace(config),
            "managed" => new ManagedAddressSpace(config, options),
            _ => throw new ArgumentException($"unknown backend {backend}", nameof(backend)),
        };
        Assert.Equal(0, mm.SetThreads(2));
        return mm;
    }

    private static string Replay(string test, string backend, string config, PausePoint at) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.DesignRaceSpecs.{test}\" " +
        $"(backend {backend}, config {config}, pause {at}; no seed: the schedule is fixed)";

    /// <summary>A private anonymous RW VMA with an anon_vma and its first page populated.</summary>
    private static Stats Prime(IAddressSpace mm)
    {
        Assert.Equal((long)Base, mm.Execute(Operation.Mmap(Base, Pages * Page, Prot.Read | Prot.Write,
            MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous)));
        Assert.Equal((long)FaultResult.Classic,
            mm.Execute(Operation.Fault(Base, FaultFlags.Write | FaultFlags.NoSpeculative)));
        Assert.True(Assert.Single(mm.Snapshot()).HasAnonVma);
        return mm.GetStats();
    }

    private static ulong Aborts(Stats s, SpfAbort reason) => reason switch
    {
        SpfAbort.NoVma => s.SpfAbortNoVma,
        SpfAbort.SeqOdd => s.SpfAbortSeqOdd,
        SpfAbort.SeqChanged => s.SpfAbortSeqChanged,
        SpfAbort.Detached => s.SpfAbortDetached,
        SpfAbort.Access => s.SpfAbortAccess,
        SpfAbort.NotAnon => s.SpfAbortNotAnon,
        SpfAbort.NoAnonVma => s.SpfAbortNoAnonVma,
        SpfAbort.Mpol => s.SpfAbortMpol,
        SpfAbort.PtlBusy => s.SpfAbortPtlBusy,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    private static void AssertAbortedOnce(Stats before, Stats after, SpfAbort reason, string replay)
    {
        var deltas = Enum.GetValues<SpfAbort>().ToDictionary(r => r, r => Aborts(after, r) - Aborts(before, r));
        var expected = Enum.GetValues<SpfAbort>().ToDictionary(r => r, r => r == reason ? 1ul : 0ul);
        Assert.True(expected.SequenceEqual(deltas),
            $"abort counters moved by {string.Join(", ", deltas.Select(kv => $"{kv.Key}={kv.Value}"))}, " +
            $"expected only {reason}=1; replay: {replay}");
        Assert.Equal(1ul, after.SpfAttempts - before.SpfAttempts);
        Assert.Equal(0ul, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(1ul, after.ClassicFaults - before.ClassicFaults);
    }

    private static void AssertHealthy(IAddressSpace mm, string replay)
    {
        var problems = mm.Validate();
        var violations = mm.Violations();
        Assert.True(problems == 0 && violations.Count == 0,
            $"{mm.Backend}/{mm.Config.Name}: validate {problems}, violations:\n{string.Join('\n', violations)}\nreplay: {replay}");
    }

    private static SpfRaceOutcome Race(IAddressSpace mm, string backend, string config, PausePoint at, Operation writer, bool throughGracePeriod,
        string replay)
    {
        var gate = new SchedGate(at);
        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate, config))
        {
            var fault = Operation.Fault(Raced, FaultFlags.Write);
            outcome = throughGracePeriod
                ? SpfRace.RunThroughGracePeriod(mm, gate, fault, writer, replay)
                : SpfRace.Run(mm, gate, fault, writer, replay);
        }
        Console.WriteLine($"fault thread's scheduling points (> = stopped there):\n{gate.TargetTrace()}");
        Console.WriteLine($"writer: {string.Join(", ", gate.WriterSteps)}");
        Assert.True(gate.HeldAtPause().Count == 0 || at == PausePoint.PageTableLockUnderVmaLock,
            $"the fault held [{string.Join(", ", gate.HeldAtPause())}] at {gate.PausedAt}; replay: {replay}");
        if (at == PausePoint.VmaLock)
        {
            Assert.True(gate.WriterSteps.Contains(new SchedStep(SchedPoint.Lock, gate.PausedAt.Obj)),
                $"the writer never took the vm_lock the fault stopped before ({gate.PausedAt}); replay: {replay}");
        }
        return outcome;
    }

    /// <summary>
    /// munmap of the whole VMA while the fault is stopped inside its read-side section
    /// (spf-rcu: before page_table_lock; pvl: before vma_start_read's trylock): the writer
    /// detaches and zaps, then waits in synchronize_rcu (and stays there while the fault is
    /// stopped) before it frees the VMA; once the fault goes on it aborts (spf-rcu: the node is empty, DETACHED; pvl: the VMA is
    /// still marked by the write section, SEQ_CHANGED), the classic path answers -EFAULT and
    /// the VMA is freed after the grace period.
    /// </summary>
    [Theory]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, SpfAbort.Detached)]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, SpfAbort.Detached)]
    [InlineData("native", Pvl, PausePoint.VmaLock, SpfAbort.SeqChanged)]
    [InlineData("managed", Pvl, PausePoint.VmaLock, SpfAbort.SeqChanged)]
    public Task Munmap_waits_for_the_stopped_faults_grace_period_and_the_fault_aborts(string backend, string config, PausePoint at,
        SpfAbort expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MunmapRace), backend, config, at, expected);

    private static void MunmapRace(string backend, string config, PausePoint at, SpfAbort expected)
    {
        var replay = Replay(nameof(Munmap_waits_for_the_stopped_faults_grace_period_and_the_fault_aborts), backend, config, at);
        using var mm = Create(backend, config);
        var before = Prime(mm);

        var outcome = Race(mm, backend, config, at, Operation.Munmap(Base, Pages * Page), throughGracePeriod: true, replay);

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EFAULT,
            $"fault after munmap answered {Errno.Format(outcome.FaultResult)}, expected -EFAULT; replay: {replay}");
        var after = mm.GetStats();
        AssertAbortedOnce(before, after, expected, replay);
        Assert.Equal(0ul, after.LiveVmas);
        Assert.Equal(0ul, after.PopulatedPages);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// mprotect(PROT_READ) of the whole VMA (nothing freed, no grace period) while a write
    /// fault is stopped: spf-rcu aborts on the sequence (SEQ_CHANGED); on pvl the writer's
    /// mark ended with its write section, so the fault locks the VMA and reads the new flags
    /// (ACCESS). The classic path answers -EACCES.
    /// </summary>
    [Theory]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, SpfAbort.SeqChanged)]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, SpfAbort.SeqChanged)]
    [InlineData("native", Pvl, PausePoint.VmaLock, SpfAbort.Access)]
    [InlineData("managed", Pvl, PausePoint.VmaLock, SpfAbort.Access)]
    public Task Mprotect_read_only_while_a_write_fault_is_stopped_makes_it_answer_eacces(string backend, string config, PausePoint at,
        SpfAbort expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MprotectRace), backend, config, at, expected);

    private static void MprotectRace(string backend, string config, PausePoint at, SpfAbort expected)
    {
        var replay = Replay(nameof(Mprotect_read_only_while_a_write_fault_is_stopped_makes_it_answer_eacces), backend, config, at);
        using var mm = Create(backend, config);
        var before = Prime(mm);

        var outcome = Race(mm, backend, config, at, Operation.Mprotect(Base, Pages * Page, Prot.Read), throughGracePeriod: false, replay);

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EACCES,
            $"write fault after mprotect(PROT_READ) answered {Errno.Format(outcome.FaultResult)}, expected -EACCES; replay: {replay}");
        AssertAbortedOnce(before, mm.GetStats(), expected, replay);
        Assert.Equal(1u, Assert.Single(mm.Snapshot()).Populated);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// Protocol breaks (managed port, test-only switches), each in the munmap schedule above,
    /// each caught. Freeing without a grace period, or ending the read-side section before
    /// the VMA is used: munmap no longer waits, the VMA is freed under the stopped fault and
    /// its use is a use-after-free violation. Skipping the re-check under page_table_lock
    /// (spf-rcu) installs a page in the detached VMA, which Validate reports.
    /// </summary>
    /// <remarks>Two of the breaks also exist natively, as test-only libraries built with the
    /// same change (native/configs.mk): mmu-rcu-nogp and mmu-pvl-noseq.</remarks>
    [Theory]
    [InlineData("managed", SpfRcu, "free-without-grace-period")]
    [InlineData("managed", SpfRcu, "rcu-unlock-before-use")]
    [InlineData("managed", SpfRcu, "skip-speculative-recheck")]
    [InlineData("managed", Pvl, "free-without-grace-period")]
    [InlineData("managed", Pvl, "skip-vm-lock-seq-recheck")]
    [InlineData("managed", Pvl, "skip-vma-start-write")]
    [InlineData("native", SpfRcu, "free-without-grace-period")]
    [InlineData("native", Pvl, "skip-vm-lock-seq-recheck")]
    public Task A_broken_protocol_is_caught_in_the_munmap_schedule(string backend, string config, string mutant) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(BrokenProtocolRace), backend, config, mutant);

    /// <summary>The native test-only library with <paramref name="mutant"/> built in.</summary>
    private static string NativeMutant(string config, string mutant) => (config, mutant) switch
    {
        (SpfRcu, "free-without-grace-period") => "mmu-rcu-nogp",
        (Pvl, "skip-vm-lock-seq-recheck") => "mmu-pvl-noseq",
        _ => throw new ArgumentException($"no native library breaks {config} by {mutant}", nameof(mutant)),
    };

    private static void BrokenProtocolRace(string backend, string config, string mutant)
    {
        var options = mutant switch
        {
            "free-without-grace-period" => new ManagedOptions { TestOnlyFreeWithoutGracePeriod = true },
            "rcu-unlock-before-use" => new ManagedOptions { TestOnlyRcuUnlockBeforeUse = true },
            "skip-speculative-recheck" => new ManagedOptions { TestOnlySkipSpeculativeRecheck = true },
            "skip-vm-lock-seq-recheck" => new ManagedOptions { TestOnlySkipVmLockSeqRecheck = true },
            "skip-vma-start-write" => new ManagedOptions { TestOnlySkipVmaStartWrite = true },
            _ => throw new ArgumentException(mutant, nameof(mutant)),
        };
        var at = config == SpfRcu ? PausePoint.PageTableLock
            : mutant == "skip-vma-start-write" ? PausePoint.PageTableLockUnderVmaLock : PausePoint.VmaLock;
        var replay = Replay(nameof(A_broken_protocol_is_caught_in_the_munmap_schedule), backend, config, at) + $" (mutant {mutant})";
        var library = backend == "native" ? NativeMutant(config, mutant) : config;
        using var mm = backend == "native" ? Create(backend, library) : Create(backend, config, options);
        Assert.NotEqual(0u, mm.Config.TestFlags);
        var before = Prime(mm);
        // Without the grace period (or with the section ended early, or the writer never
        // waiting for the VMA lock) the writer finishes while the fault is stopped.
        var waits = mutant is "skip-speculative-recheck" or "skip-vm-lock-seq-recheck";

        var outcome = Race(mm, backend, library, at, Operation.Munmap(Base, Pages * Page), throughGracePeriod: waits, replay);
        Assert.Equal(0, outcome.WriterResult);

        var after = mm.GetStats();
        var violations = mm.Violations();
        var problems = mm.Validate();
        Console.WriteLine($"mutant {mutant}: fault {outcome.FaultResult}, validate {problems}, violations:\n{string.Join('\n', violations)}");
        switch (mutant)
        {
            case "free-without-grace-period" or "rcu-unlock-before-use":
                Assert.True(violations.Any(v => v.Message.Contains("use after free") || v.Message.Contains("freed")),
                    $"no use-after-free violation although the VMA was freed under the stopped fault; replay: {replay}");
                break;
            case "skip-speculative-recheck" or "skip-vma-start-write":
                Assert.True(problems > 0 && after.PopulatedPages > 0,
                    $"the fault did not leave a page outside every VMA (validate {problems}, {after.PopulatedPages} pages); replay: {replay}");
                break;
            case "skip-vm-lock-seq-recheck":
                // The fault read-locked a VMA its writer still held marked: caught only later, by the
                // detached check, where the protocol wants SEQ_CHANGED.
                Assert.Equal(0ul, after.SpfAbortSeqChanged - before.SpfAbortSeqChanged);
                Assert.Equal(1ul, after.SpfAbortDetached - before.SpfAbortDetached);
                break;
        }
    }
}
