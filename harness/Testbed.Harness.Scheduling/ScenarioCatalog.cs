// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// The named scenarios. Each is a few operations on two or three threads around the
/// window the SPF series protects: a speculative fault (get_vma, sample vm_sequence,
/// install under the page-table lock, re-check) against a writer that changes the
/// VMA it found, get_vma holders against unmapping and teardown, and nommu's shared
/// regions against their deletion. The speculative-fault scenarios also run on the other
/// fault designs (<see cref="FaultDesigns"/>, <see cref="OnConfig"/>).
/// </summary>
public static class ScenarioCatalog
{
    private const ulong Page = 4096;
    private const ulong Base = 0x300000000UL;
    private const Prot Rw = Prot.Read | Prot.Write;
    private const MapFlags Anon = MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous;
    private const ulong StackGuardGap = 256 * Page;
    private const ulong StackBase = 0x300400000UL;
    private const ulong StackNeighbour = StackBase - StackGuardGap - Page;

    /// <summary>
    /// The designs of the fault path the speculative-fault scenarios run on: the SPF series',
    /// its RCU alternative, 6.4's per-VMA locks and 6.15's vm_refcnt (their writers hand
    /// removed VMAs to call_rcu, or to the typesafe cache, and never wait for a grace period),
    /// and SPF with v9's fallback (the aborted attempt's VMA reused under mmap_sem).
    /// </summary>
    public static IReadOnlyList<string> FaultDesigns { get; } = ["mmu-spf", "mmu-spf-rcu", "mmu-pvl", "mmu-vmrefcnt", "mmu-spf-v9"];

    /// <summary>Every scenario, in catalog order.</summary>
    public static IReadOnlyList<PctScenario> All { get; } =
    [
        Spf("spf-vs-munmap", "a speculative write fault against munmap of its whole VMA",
            mm => Run(mm, Operation.Munmap(Base, 4 * Page)), check: BoundsRecheckOracle.Check),
        Spf("spf-vs-mprotect", "a speculative write fault against mprotect(PROT_READ) of its VMA",
            mm => Run(mm, Operation.Mprotect(Base, 4 * Page, Prot.Read))),
        Spf("spf-vs-split", "a speculative write fault on a VMA's middle page against munmap of that page (two splits)",
            mm => Run(mm, Operation.Munmap(Base + 2 * Page, Page)), faultAt: Base + 2 * Page),
        Spf("spf-vs-merge", "a speculative fault on the next VMA while mprotect merges it into the faulting one's neighbour",
            mm => Run(mm, Operation.Mprotect(Base + 4 * Page, 2 * Page, Rw)),
            extra: mm => Map(mm, Base + 4 * Page, 2 * Page, Prot.Read), faultAt: Base + 4 * Page, faultFlags: FaultFlags.Read),
        Spf("spf-vs-remove-next", "a speculative fault on the next VMA while mprotect of the middle one merges all three (remove_next)",
            mm => Run(mm, Operation.Mprotect(Base + 4 * Page, Page, Rw)),
            extra: mm =>
            {
                Map(mm, Base + 4 * Page, Page, Prot.Read);
                Map(mm, Base + 5 * Page, 2 * Page, Rw);
            },
            faultAt: Base + 5 * Page, faultFlags: FaultFlags.Read),
        Spf("spf-vs-neighbour-zap", "a speculative write fault against munmap of a populated neighbour VMA whose pages share its page table (the zap's TLB flush under that table's lock)",
            mm => Run(mm, Operation.Munmap(Base + 4 * Page, 2 * Page)),
            extra: mm =>
            {
                Map(mm, Base + 4 * Page, 2 * Page, Prot.Read);
                Expect(mm.Execute(Operation.Fault(Base + 4 * Page, FaultFlags.Read | FaultFlags.NoSpeculative)), "neighbour's fault");
            }),
        new("mbind-vs-fault", "mmu-pvl",
            "a write fault that allocates under its VMA's policy against mbind replacing (and freeing) that policy",
            2, mm =>
            {
                Setup(mm);
                Expect(mm.Execute(Operation.Mbind(Base, 4 * Page, MpolMode.Bind)), "mbind MPOL_BIND");
                return
                [
                    Run(mm, Operation.Fault(Base + Page, FaultFlags.Write)),
                    Run(mm, Operation.Mbind(Base, 4 * Page, MpolMode.Preferred)),
                ];
            }, Designs: FaultDesigns),
        new("stack-vs-munmap", "mmu-pvl",
            "a fault below a MAP_GROWSDOWN stack (expand_stack) against a fault inside the stack and munmap of the neighbour whose guard gap blocks the expansion",
            3, mm => StackRace(mm, Operation.Munmap(StackNeighbour, 2 * Page)), Designs: FaultDesigns),
        new("stack-vs-mprotect", "mmu-pvl",
            "a fault below a MAP_GROWSDOWN stack (expand_stack) against a fault inside the stack and mprotect(PROT_NONE) of the neighbour whose guard gap blocks the expansion",
            3, mm => StackRace(mm, Operation.Mprotect(StackNeighbour, 2 * Page, Prot.None)), Designs: FaultDesigns),
        new("fork-vs-wp-fault", "mmu-pvl",
            "fork (dup_mmap write-protects the parent's pages, flushes the TLB at its end) against a write fault on the " +
            "parent's VMA without mmap_sem; the child then writes its copy and exits",
            3, mm =>
            {
                Setup(mm);
                Expect(mm.Execute(Operation.Fault(Base + Page, FaultFlags.Write | FaultFlags.NoSpeculative)), "second page");
                return
                [
                    Run(mm, Operation.Fault(Base + Page, FaultFlags.Write)),
                    () =>
                    {
                        if (mm.Fork(out var child) < 0 || child is null)
                            return;
                        child.Execute(Operation.Fault(Base + Page, FaultFlags.Write));
                        child.Destroy();
                    },
                ];
            }, Designs: FaultDesigns),
        new("merge-import-vs-fault", "mmu-pvl",
            "a write fault on a VMA without an anon_vma against mprotect of the read-only VMA after it, which merges " +
            "all three into the faulting VMA and imports the third's anon_vma into it (vma_merge case 6, dup_anon_vma)",
            2, mm =>
            {
                Expect(mm.SetThreads(2), "set_threads");
                Map(mm, Base + 3 * Page, 2 * Page, Rw);
                Expect(mm.Execute(Operation.Fault(Base + 3 * Page, FaultFlags.Write | FaultFlags.NoSpeculative)), "priming fault");
                Map(mm, Base + 2 * Page, Page, Prot.Read);
                Map(mm, Base, 2 * Page, Rw);
                return
                [
                    Run(mm, Operation.Fault(Base, FaultFlags.Write)),
                    Run(mm, Operation.Mprotect(Base + 2 * Page, Page, Rw)),
                ];
            }, Designs: FaultDesigns),
        new("get-vma-vs-unmap", "mmu-spf",
            "a get_vma holder reading its VMA and putting it against munmap of that VMA; the teardown drops what is still held",
            4, mm =>
            {
                Setup(mm);
                return
                [
                    () =>
                    {
                        if (mm.GetVma(Base + Page, out var reference, out _) >= 0)
                        {
                            mm.VmaRefInfo(reference, out _);
                            mm.PutVma(reference);
                        }
                        mm.GetVma(Base, out _, out _);
                    },
                    Run(mm, Operation.Munmap(Base, 4 * Page)),
                ];
            }),
        new("two-writers-and-a-fault", "mmu-spf",
            "a speculative fault against mprotect of the VMA's head and munmap of its tail on two more threads",
            3, mm =>
            {
                Setup(mm);
                return
                [
                    Run(mm, Operation.Fault(Base + Page, FaultFlags.Write)),
                    Run(mm, Operation.Mprotect(Base, 2 * Page, Prot.Read)),
                    Run(mm, Operation.Munmap(Base + Page, 3 * Page)),
                ];
            }),
        new("vma-reuse-vs-fault", "mmu-vmrefcnt",
            "a fault holding a stale pointer to its VMA while munmap frees the VMA and another mm's mmap, at the same " +
            "address, reuses it at once (6.15's typesafe VMA cache): the fault must see the VMA is not its mm's",
            4, Start: _ => throw new InvalidOperationException("vma-reuse-vs-fault runs with a peer mm (StartWithPeer)"),
            StartWithPeer: (mm, peer) =>
            {
                Setup(mm);
                return
                [
                    Run(mm, Operation.Fault(Base + Page, FaultFlags.Write)),
                    () =>
                    {
                        mm.Execute(Operation.Munmap(Base, 4 * Page));
                        if (peer.Execute(Operation.Mmap(Base, 4 * Page, Rw, Anon)) >= 0)
                            peer.Execute(Operation.Fault(Base, FaultFlags.Write | FaultFlags.NoSpeculative));
                    },
                ];
            }),
        new("vma-reuse-in-mm-vs-fault", "mmu-vmrefcnt",
            "a fault holding a stale pointer to its VMA while munmap frees the VMA and an mmap of the same mm, elsewhere, " +
            "reuses it at once (6.15's typesafe VMA cache): the fault must see the VMA covers another range",
            4, mm =>
            {
                Setup(mm);
                return
                [
                    Run(mm, Operation.Fault(Base + Page, FaultFlags.Write)),
                    () =>
                    {
                        mm.Execute(Operation.Munmap(Base, 4 * Page));
                        if (mm.Execute(Operation.Mmap(Base + 8 * Page, 4 * Page, Rw, Anon)) >= 0)
                            mm.Execute(Operation.Fault(Base + 8 * Page, FaultFlags.Write | FaultFlags.NoSpeculative));
                    },
                ];
            }),
        new("validate-vs-put-vma", "mmu-spf",
            "validate against put_vma of the last reference to a VMA munmap detached: the put clears its slot, then " +
            "frees the VMA; validate's exact count (live VMAs = map_count + detached held) must see it in flight",
            2, mm =>
            {
                Setup(mm);
                Expect(mm.GetVma(Base + Page, out var reference, out _), "get_vma");
                Expect(mm.Execute(Operation.Munmap(Base, 4 * Page)), "munmap of the held VMA");
                return
                [
                    () => mm.PutVma(reference),
                    () => mm.Validate(),
                ];
            }),
        new("nommu-region-sharing-vs-delete", "nommu",
            "two shared mappings of one file region unmapped on two threads while a third maps it again",
            5, mm =>
            {
                var fd = (int)mm.Execute(Operation.FileOpen(4 * Page, FileFlags.MapDirect));
                var first = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd));
                var second = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd));
                if (fd < 0 || first < 0 || second < 0)
                    throw new InvalidOperationException($"nommu set-up failed: fd {fd}, mmap {first}, {second}");
                return
                [
                    Run(mm, Operation.Munmap((ulong)first, 2 * Page)),
                    Run(mm, Operation.Munmap((ulong)second, 2 * Page)),
                    () =>
                    {
                        var again = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd));
                        if (again >= 0)
                            mm.Execute(Operation.Munmap((ulong)again, 2 * Page));
                    },
                ];
            }),
    ];

    /// <summary>The scenario called <paramref name="name"/>; throws listing the names if there is none.</summary>
    public static PctScenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown scenario '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})", nameof(name));

    /// <summary>
    /// <paramref name="scenario"/> on <paramref name="config"/>: itself on its own config, a copy
    /// on one of its <see cref="PctScenario.Designs"/>; throws otherwise.
    /// </summary>
    public static PctScenario OnConfig(PctScenario scenario, string config)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (config == scenario.Config)
            return scenario;
        if (scenario.Designs?.Contains(config) == true)
            return scenario with { Config = config };
        throw new ArgumentException($"scenario '{scenario.Name}' runs on {string.Join(", ", scenario.Designs ?? [scenario.Config])}, " +
            $"not on '{config}'", nameof(config));
    }

    /// <summary>
    /// A 4-page MAP_GROWSDOWN stack at StackBase whose top page is primed (an anon_vma), and
    /// a 2-page RW neighbour below, closer than the 256-page guard gap to the page below the
    /// stack: an expanding fault there fails while the neighbour is accessible.
    /// </summary>
    private static IReadOnlyList<Action> StackRace(IAddressSpace mm, Operation neighbourWriter)
    {
        Expect(mm.SetThreads(2), "set_threads");
        Expect(mm.Execute(Operation.Mmap(StackBase, 4 * Page, Rw, Anon | MapFlags.Growsdown)), "mmap the stack");
        Map(mm, StackNeighbour, 2 * Page, Rw);
        Expect(mm.Execute(Operation.Fault(StackBase + 3 * Page, FaultFlags.Write | FaultFlags.NoSpeculative)), "priming fault");
        return
        [
            Run(mm, Operation.Fault(StackBase - Page, FaultFlags.Write)),
            Run(mm, Operation.Fault(StackBase + Page, FaultFlags.Write)),
            Run(mm, neighbourWriter),
        ];
    }

    /// <summary>A fault thread against one writer thread on a primed VMA (any of <see cref="FaultDesigns"/>).</summary>
    private static PctScenario Spf(string name, string explores, Func<IAddressSpace, Action> writer,
        Action<IAddressSpace>? extra = null, ulong faultAt = Base + Page, FaultFlags faultFlags = FaultFlags.Write,
        Func<IAddressSpace, ControlledRun?, IEnumerable<string>>? check = null) =>
        new(name, "mmu-spf", explores, 2, mm =>
        {
            Setup(mm);
            extra?.Invoke(mm);
            return [Run(mm, Operation.Fault(faultAt, faultFlags)), writer(mm)];
        }, check, FaultDesigns);

    /// <summary>
    /// Two threads share the mm (the series tries the speculative path only then); a
    /// 4-page RW anonymous VMA at Base whose first page is faulted in the classic way,
    /// which gives it an anon_vma, so a speculative fault really reaches the install.
    /// </summary>
    private static void Setup(IAddressSpace mm)
    {
        Expect(mm.SetThreads(2), "set_threads");
        Map(mm, Base, 4 * Page, Rw);
        Expect(mm.Execute(Operation.Fault(Base, FaultFlags.Write | FaultFlags.NoSpeculative)), "priming fault");
    }

    private static void Map(IAddressSpace mm, ulong addr, ulong len, Prot prot) =>
        Expect(mm.Execute(Operation.Mmap(addr, len, prot, Anon)), $"mmap 0x{addr:x}");

    private static void Expect(long rc, string what)
    {
        if (rc < 0)
            throw new InvalidOperationException($"scenario set-up: {what} returned {Errno.Format(rc)}");
    }

    /// <summary>A thread body that runs <paramref name="op"/> (its errno result is a legal outcome).</summary>
    private static Action Run(IAddressSpace mm, Operation op) => () => mm.Execute(op);
}
