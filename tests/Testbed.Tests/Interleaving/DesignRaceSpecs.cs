// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;
using static Testbed.Tests.Interleaving.RacedVma;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The forced interleavings of <see cref="SpeculativeFaultRaceSpecs"/> on the two other
/// designs, on both backends: mmu-spf-rcu (the SPF fault path, its VMA kept by an RCU
/// read-side section instead of a reference) and mmu-pvl (6.4's per-VMA locks), plus splits
/// and merges of the stopped fault's VMA, each with its design's outcome. A munmap
/// that frees the VMA a stopped fault may still read hands it to call_rcu and finishes
/// (no grace period inside its write section, no synchronize_rcu at all: SpfRace checks);
/// the VMA stays live under the stopped fault, which must then abort for the reason its
/// design gives. Then each design's protocol is
/// broken three ways through the managed port's test-only switches, and the same schedule
/// catches each break. No randomness: each case is one fixed schedule. Each case runs in a
/// process of its own (<see cref="IsolatedSpec"/>), as the mmu-spf cases do.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class DesignRaceSpecs(ITestOutputHelper output)
{
    private const string SpfRcu = "mmu-spf-rcu";
    private const string Pvl = "mmu-pvl";

    private static string Replay(string test, string backend, string config, PausePoint at) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.DesignRaceSpecs.{test}\" " +
        $"(backend {backend}, config {config}, pause {at}; no seed: the schedule is fixed)";

    private static SpfRaceOutcome Race(IAddressSpace mm, string backend, string config, PausePoint at, Operation writer, string replay,
        bool writerStoppedAfterMark = false)
    {
        var gate = new SchedGate(at);
        SpfRaceOutcome outcome;
        using (HookInstall.Install(backend, gate, config))
        {
            var fault = Operation.Fault(Raced, FaultFlags.Write);
            outcome = writerStoppedAfterMark
                ? SpfRace.RunWithWriterStoppedAfterMark(mm, gate, fault, writer, replay)
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
    /// detaches, zaps, hands the VMA to call_rcu and finishes; the VMA stays live (a freed one
    /// would be a use-after-free violation) and once the fault goes on it aborts (spf-rcu:
    /// the node is empty; pvl: the mark ended with the write section, so the trylock succeeds
    /// and the detached flag answers: DETACHED both), the classic path answers -EFAULT and the
    /// callback frees the VMA after the fault's section ended.
    /// </summary>
    [Theory]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, SpfAbort.Detached)]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, SpfAbort.Detached)]
    [InlineData("native", Pvl, PausePoint.VmaLock, SpfAbort.Detached)]
    [InlineData("managed", Pvl, PausePoint.VmaLock, SpfAbort.Detached)]
    public Task Munmap_hands_the_vma_to_call_rcu_and_the_stopped_fault_aborts(string backend, string config, PausePoint at,
        SpfAbort expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MunmapRace), backend, config, at, expected);

    private static void MunmapRace(string backend, string config, PausePoint at, SpfAbort expected)
    {
        var replay = Replay(nameof(Munmap_hands_the_vma_to_call_rcu_and_the_stopped_fault_aborts), backend, config, at);
        using var mm = Create(backend, config);
        var before = Prime(mm);

        var outcome = Race(mm, backend, config, at, Operation.Munmap(Base, Pages * Page), replay);

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

        var outcome = Race(mm, backend, config, at, Operation.Mprotect(Base, Pages * Page, Prot.Read), replay);

        Assert.Equal(0, outcome.WriterResult);
        Assert.True(outcome.FaultResult == -Errno.EACCES,
            $"write fault after mprotect(PROT_READ) answered {Errno.Format(outcome.FaultResult)}, expected -EACCES; replay: {replay}");
        AssertAbortedOnce(before, mm.GetStats(), expected, replay);
        Assert.Equal(1u, Assert.Single(mm.Snapshot()).Populated);
        AssertHealthy(mm, replay);
    }

    /// <summary>
    /// A split of the VMA the fault stopped in (spf-rcu: before page_table_lock; pvl: before
    /// vma_start_read's trylock). The split's __vma_adjust moves the fault's VMA (it stays in
    /// the tree with one part), so on spf-rcu its sequence moved: SEQ_CHANGED, whichever part
    /// the address ends up in. Which part the fault's VMA keeps is 4.16's: do_munmap splits
    /// with new_below 0 (the VMA keeps the low part), mprotect_fixup splits its range's start
    /// with new_below 1 and its end with 0 (the VMA keeps the changed range). On pvl the
    /// writer's marks ended with its write section (a VMA it frees goes to call_rcu), so the
    /// fault locks its VMA and the outcome depends on what the VMA is by then:
    /// <list type="bullet">
    /// <item>munmap of the middle page (the faulting address): the fault's VMA keeps the low
    /// part, below the address: NO_VMA; the classic path answers -EFAULT.</item>
    /// <item>mprotect(PROT_READ) of the middle page: the fault's VMA is now the read-only
    /// middle page: ACCESS; the classic path answers -EACCES.</item>
    /// <item>mprotect(PROT_READ|PROT_WRITE|PROT_EXEC) of the middle page: the same split, but
    /// the write is still allowed, so the per-VMA-lock fault succeeds (its writer is done with
    /// the VMA; the lock, not an unchanged VMA, is the protocol).</item>
    /// <item>mprotect(PROT_READ) of the page above: the fault's VMA becomes that read-only page,
    /// below the address: NO_VMA; the classic path finds the low part and installs.</item>
    /// </list>
    /// </summary>
    [Theory]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "munmap-middle", "SeqChanged")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "munmap-middle", "SeqChanged")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "munmap-middle", "NoVma")]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "munmap-middle", "NoVma")]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "mprotect-middle", "SeqChanged")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "mprotect-middle", "SeqChanged")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "mprotect-middle", "Access")]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "mprotect-middle", "Access")]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "mprotect-middle-rwx", "SeqChanged")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "mprotect-middle-rwx", "SeqChanged")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "mprotect-middle-rwx", Succeeds)]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "mprotect-middle-rwx", Succeeds)]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "mprotect-above", "SeqChanged")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "mprotect-above", "SeqChanged")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "mprotect-above", "NoVma")]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "mprotect-above", "NoVma")]
    public Task A_split_of_the_stopped_faults_vma_ends_it_as_its_design_says(string backend, string config, PausePoint at, string split,
        string expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(TopologyRace), backend, config, at, split, expected,
            nameof(A_split_of_the_stopped_faults_vma_ends_it_as_its_design_says));

    /// <summary>
    /// A merge while the fault is stopped; both hand the removed VMA to call_rcu and the
    /// writer finishes, its marks ended:
    /// <list type="bullet">
    /// <item>mmap of the hole between a VMA below and the fault's VMA: vma_merge case 1, the
    /// VMA below grows over the hole and the fault's VMA, which is removed (remove_next).
    /// spf-rcu: its node was erased; pvl: it is detached: DETACHED both. The classic path
    /// finds the merged VMA (it took over the anon_vma) and installs the page.</item>
    /// <item>mprotect that makes the read-only VMA above the fault's VMA writable again: the
    /// fault's VMA grows over it and it is removed. spf-rcu: the fault's VMA's sequence
    /// moved, SEQ_CHANGED; pvl: the fault locks its grown VMA and installs the page
    /// speculatively.</item>
    /// </list>
    /// </summary>
    [Theory]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "mmap-removes-faulting", "Detached")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "mmap-removes-faulting", "Detached")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "mmap-removes-faulting", "Detached")]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "mmap-removes-faulting", "Detached")]
    [InlineData("native", SpfRcu, PausePoint.PageTableLock, "mprotect-removes-next", "SeqChanged")]
    [InlineData("managed", SpfRcu, PausePoint.PageTableLock, "mprotect-removes-next", "SeqChanged")]
    [InlineData("native", Pvl, PausePoint.VmaLock, "mprotect-removes-next", Succeeds)]
    [InlineData("managed", Pvl, PausePoint.VmaLock, "mprotect-removes-next", Succeeds)]
    public Task A_merge_with_the_stopped_faults_vma_ends_it_as_its_design_says(string backend, string config,
        PausePoint at, string merge, string expected) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(TopologyRace), backend, config, at, merge, expected,
            nameof(A_merge_with_the_stopped_faults_vma_ends_it_as_its_design_says));

    /// <summary>The expected outcome of a fault that takes the speculative path to the end.</summary>
    private const string Succeeds = "speculative";

    /// <summary>
    /// One split or merge race: the setup before the fault, the writer, the fault's answer,
    /// and the VMAs and populated pages after.
    /// </summary>
    private sealed record Topology(Operation[] Setup, Operation Writer, long WriterResult, long FaultResult, int Vmas,
        ulong Pages);

    private static Topology TopologyOf(string name)
    {
        const Prot rw = Prot.Read | Prot.Write;
        const MapFlags anonymous = MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous;
        var installed = (long)FaultResult.Classic;
        return name switch
        {
            "munmap-middle" => new([], Operation.Munmap(Raced, Page), 0, -Errno.EFAULT, 2, 1),
            "mprotect-middle" => new([], Operation.Mprotect(Raced, Page, Prot.Read), 0, -Errno.EACCES, 3, 1),
            "mprotect-middle-rwx" => new([], Operation.Mprotect(Raced, Page, rw | Prot.Exec), 0, installed, 3, 2),
            "mprotect-above" => new([], Operation.Mprotect(Raced + Page, Page, Prot.Read), 0, installed, 3, 2),
            // [Base - Page, Base) below, a hole, the fault's VMA [Base + Page, end) (page 0 unmapped).
            "mmap-removes-faulting" => new([Operation.Munmap(Base, Page), Operation.Mmap(Base - Page, Page, rw, anonymous)],
                Operation.Mmap(Base, Page, rw, anonymous), (long)Base, installed, 1, 1),
            // The fault's VMA [Base, Base + 2 pages) read-write, [Base + 2 pages, end) read-only above.
            "mprotect-removes-next" => new([Operation.Mprotect(Raced + Page, 2 * Page, Prot.Read)],
                Operation.Mprotect(Raced + Page, 2 * Page, rw), 0, installed, 1, 2),
            _ => throw new ArgumentException($"unknown split or merge {name}", nameof(name)),
        };
    }

    private static void TopologyRace(string backend, string config, PausePoint at, string name, string expected, string test)
    {
        var replay = Replay(test, backend, config, at) + $" ({name})";
        var topology = TopologyOf(name);
        using var mm = Create(backend, config);
        Prime(mm);
        foreach (var op in topology.Setup)
            Assert.True(mm.Execute(op) >= 0, $"setup {op} failed; replay: {replay}");
        Assert.True(mm.Snapshot().Single(v => v.Start <= Raced && Raced < v.End).HasAnonVma);
        var before = mm.GetStats();

        var outcome = Race(mm, backend, config, at, topology.Writer, replay);

        Assert.Equal(topology.WriterResult, outcome.WriterResult);
        var fault = expected == Succeeds ? (long)FaultResult.Speculative : topology.FaultResult;
        Assert.True(outcome.FaultResult == fault,
            $"fault after {name} answered {Errno.Format(outcome.FaultResult)}, expected {Errno.Format(fault)}; replay: {replay}");
        var after = mm.GetStats();
        if (expected == Succeeds)
            AssertSucceededOnce(before, after, replay);
        else
            AssertAbortedOnce(before, after, Enum.Parse<SpfAbort>(expected), replay);
        Assert.Equal(topology.Vmas, mm.Snapshot().Count);
        Assert.Equal(topology.Pages, after.PopulatedPages);
        AssertHealthy(mm, replay);
    }

    private static void AssertSucceededOnce(Stats before, Stats after, string replay)
    {
        var aborts = AbortCounters.Deltas(before, after).Values.Sum(d => (long)d);
        Assert.True(aborts == 0 && after.SpfSuccess - before.SpfSuccess == 1 && after.ClassicFaults == before.ClassicFaults,
            $"expected one speculative success and no abort, got {aborts} aborts, {after.SpfSuccess - before.SpfSuccess} successes, " +
            $"{after.ClassicFaults - before.ClassicFaults} classic faults; replay: {replay}");
    }

    /// <summary>
    /// Protocol breaks (managed port, test-only switches), each in the munmap schedule above,
    /// each caught. Freeing without a grace period, or ending the read-side section before
    /// the VMA is used: the VMA is freed under the stopped fault and its use is a
    /// use-after-free violation. Skipping the re-check under page_table_lock (spf-rcu)
    /// installs a page in the detached VMA, which Validate reports. Skipping vma_start_read's
    /// re-check (pvl) needs the writer stopped inside its write section with the VMA marked
    /// (SpfRace.RunWithWriterStoppedAfterMark): the fault then finishes on the marked VMA.
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

        var outcome = Race(mm, backend, library, at, Operation.Munmap(Base, Pages * Page), replay,
            writerStoppedAfterMark: mutant == "skip-vm-lock-seq-recheck");
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
                // The fault read-locked a VMA its writer, stopped in its write section, still held
                // marked, and finished on it where the protocol answers SEQ_CHANGED.
                Assert.True(after.SpfAbortSeqChanged == before.SpfAbortSeqChanged && after.SpfSuccess - before.SpfSuccess == 1,
                    $"the fault did not finish on the marked VMA (SEQ_CHANGED {after.SpfAbortSeqChanged - before.SpfAbortSeqChanged}, " +
                    $"successes {after.SpfSuccess - before.SpfSuccess}); replay: {replay}");
                break;
        }
    }
}
