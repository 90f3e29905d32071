// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Workloads;

/// <summary>
/// Draws one thread's stream for a mix, one item at a time as it is consumed;
/// all randomness comes from the given PRNG. It keeps only what later items
/// depend on (held references, live nommu mappings), so a stream of any length
/// costs the same memory. The workload member of the generator family
/// (<see cref="OperationGenerator{TKind}"/>): its policy is the mix's weights.
/// </summary>
internal sealed class WorkloadGenerator(WorkloadMix mix, SplitMix64 rng, bool refs)
    : OperationGenerator<WorkloadGenerator.Step>(rng, KindsOf(mix))
{
    private const int MaxHeldRefs = 4;
    private const int MaxRangePages = 8;

    /// <summary>
    /// Nommu file mappings start at a multiple of this many pages and do not
    /// cross the next one: shareable mappings of a DIRECT file sit at the file's
    /// page pgoff, and nommu's munmap rejects a file mapping whose start lies
    /// inside another VMA, so a mapping at an interior offset of a longer one
    /// could never be unmapped while that one lives (and would leak from the
    /// stream). Region sharing still covers exact, shorter and overlapping maps.
    /// </summary>
    private const int NommuChunkPages = 4;

    private static readonly Weights<Prot> Prots = new(
        (Prot.Read | Prot.Write, 2), (Prot.Read, 1), (Prot.Read | Prot.Exec, 1), (Prot.Read | Prot.Write | Prot.Exec, 1), (Prot.None, 1));

    private static readonly Weights<MadviseAdvice> Advices = new(
        (MadviseAdvice.Dontfork, 2), (MadviseAdvice.Dofork, 1), (MadviseAdvice.Wipeonfork, 2), (MadviseAdvice.Keeponfork, 1));

    private static readonly Weights<FaultFlags> FaultKinds = new((FaultFlags.Read, 5), (FaultFlags.Write, 4), (FaultFlags.Exec, 1));

    /// <summary>The live nommu mappings: the index of the mmap item and its length.</summary>
    private readonly List<(int Index, ulong Len)> _mmaps = [];
    private int _emitted;
    private int _held;
    private bool _forked;

    /// <summary>The kinds of step a mix weighs.</summary>
    internal enum Step { Mmap, Munmap, Mprotect, Mbind, Fault, GetVma, PutVma, FileOpen, FileClose, Bad, Fork, ChildStep, Madvise }

    /// <summary>
    /// <paramref name="ops"/> drawn steps, one item each, then a put_vma for every
    /// reference still held. Enumerate it once: the items come from this generator's state.
    /// </summary>
    public IEnumerable<WorkItem> Generate(int ops)
    {
        for (var i = 0; i < ops; i++)
        {
            var item = Emit(NextKind());
            _emitted++;
            yield return item;
        }

        for (; _held > 0; _held--)
            yield return WorkItem.PutVma();
    }

    /// <summary>The relative weights of the kinds of step, per mix: the policy.</summary>
    private static Weights<Step> KindsOf(WorkloadMix mix) => mix switch
    {
        WorkloadMix.FaultHeavy =>
            new((Step.Fault, 70), (Step.Mmap, 8), (Step.Munmap, 6), (Step.Mprotect, 5), (Step.Mbind, 2), (Step.GetVma, 5), (Step.PutVma, 4)),
        WorkloadMix.MunmapStorm =>
            new((Step.Mmap, 34), (Step.Munmap, 34), (Step.Fault, 24), (Step.GetVma, 4), (Step.PutVma, 4)),
        WorkloadMix.MprotectChurn =>
            new((Step.Mprotect, 40), (Step.Mbind, 15), (Step.Fault, 25), (Step.Mmap, 8), (Step.Munmap, 6), (Step.GetVma, 3), (Step.PutVma, 3)),
        WorkloadMix.Mixed =>
            new((Step.Mmap, 18), (Step.Munmap, 14), (Step.Mprotect, 14), (Step.Mbind, 8), (Step.Fault, 32), (Step.GetVma, 4),
                (Step.PutVma, 4), (Step.FileOpen, 1), (Step.FileClose, 1), (Step.Bad, 4)),
        WorkloadMix.NommuSharedFile =>
            new((Step.Mmap, 40), (Step.Munmap, 30), (Step.Fault, 30)),
        WorkloadMix.Fork =>
            new((Step.Mmap, 14), (Step.Munmap, 8), (Step.Mprotect, 8), (Step.Mbind, 4), (Step.Fault, 30), (Step.Fork, 6),
                (Step.ChildStep, 20), (Step.Madvise, 6), (Step.GetVma, 2), (Step.PutVma, 2)),
        _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, null),
    };

    private WorkItem Emit(Step step)
    {
        if (mix == WorkloadMix.NommuSharedFile)
            return EmitNommu(step);

        switch (step)
        {
            case Step.Mmap:
                return Item(Mmap());
            case Step.Munmap:
                if (Rng.Chance(15))
                {
                    var (top, topPages) = Range(AddressWindow.TopPages);
                    return Item(Operation.Munmap(AddressWindow.TopPage(top), Bytes(topPages)));
                }

                var (first, pages) = Range(AddressWindow.Pages);
                return Item(Operation.Munmap(AddressWindow.Page(first), Bytes(pages)));
            case Step.Mprotect:
                (first, pages) = Range(AddressWindow.Pages);
                return Item(Operation.Mprotect(AddressWindow.Page(first), Bytes(pages), PickProt()));
            case Step.Mbind:
                (first, pages) = Range(AddressWindow.Pages);
                return Item(Operation.Mbind(AddressWindow.Page(first), Bytes(pages), (MpolMode)Rng.Below(4)));
            case Step.Fault:
                return Item(Operation.Fault(FaultAddress(), PickFaultFlags()));
            case Step.GetVma when refs && _held < MaxHeldRefs:
                _held++;
                return WorkItem.GetVma(FaultAddress());
            case Step.PutVma when refs && _held > 0:
                _held--;
                return WorkItem.PutVma();
            case Step.GetVma or Step.PutVma:
                return Item(Operation.Fault(FaultAddress(), PickFaultFlags()));
            case Step.FileOpen:
                return Item(Operation.FileOpen(Bytes(Rng.Between(1, 16)), FileFlags.None));
            case Step.FileClose:
                return Item(Operation.FileClose(Workload.SetupFiles + Rng.Below(4)));
            case Step.Bad:
                return Item(BadArguments());
            case Step.Fork:
                _forked = true;
                return WorkItem.Fork();
            case Step.ChildStep when _forked:
                return WorkItem.Child(ChildOperation());
            case Step.ChildStep:
                return Emit(Step.Fork);
            case Step.Madvise:
                (first, pages) = Range(AddressWindow.Pages);
                return Item(Operation.Madvise(AddressWindow.Page(first), Bytes(pages), Advices.Pick(Rng)));
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }
    }

    private Operation Mmap()
    {
        var (first, pages) = Range(AddressWindow.Pages);
        var addr = AddressWindow.Page(first);
        var prot = PickProt();
        var kind = Rng.Below(100);
        if (kind < 64)
            return Operation.Mmap(addr, Bytes(pages), prot, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);
        // A stack (MAP_GROWSDOWN): the window's faults below it expand it while no
        // accessible neighbour lies within the guard gap.
        if (kind < 70)
            return Operation.Mmap(addr, Bytes(pages), prot, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed | MapFlags.Growsdown);
        if (kind < 80)
            return Operation.Mmap(addr, Bytes(pages), prot, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed);
        if (kind < 94)
        {
            var shared = Rng.Chance(50) ? MapFlags.Shared : MapFlags.Private;
            return Operation.Mmap(addr, Bytes(pages), prot, shared | MapFlags.Fixed, Rng.Below(Workload.SetupFiles), (ulong)Rng.Below(16));
        }

        // A hint: used when the range is free, else placed top-down below mmap_base.
        return Operation.Mmap(addr, Bytes(pages), prot, MapFlags.Private | MapFlags.Anonymous);
    }

    /// <summary>What the fork child does: mostly faults (writes copy-on-write), sometimes a layout change.</summary>
    private Operation ChildOperation()
    {
        var kind = Rng.Below(10);
        if (kind < 8)
            return Operation.Fault(FaultAddress(), PickFaultFlags());
        var (first, pages) = Range(AddressWindow.Pages);
        return kind == 8
            ? Operation.Munmap(AddressWindow.Page(first), Bytes(pages))
            : Operation.Mprotect(AddressWindow.Page(first), Bytes(pages), PickProt());
    }

    private Operation BadArguments() => Rng.Below(7) switch
    {
        0 => Operation.Munmap(AddressWindow.Page(Rng.Below(AddressWindow.Pages)) + 0x10, AddressWindow.PageSize),
        1 => Operation.Mprotect(AddressWindow.Page(Rng.Below(AddressWindow.Pages)), 0, Prot.Read),
        2 => Operation.Mmap(AddressWindow.Page(0), AddressWindow.PageSize, (Prot)0x8, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
        3 => Operation.Mmap(AddressWindow.Page(0), AddressWindow.PageSize, Prot.Read, MapFlags.Anonymous | MapFlags.Fixed),
        4 => Operation.Fault(FaultAddress(), (FaultFlags)0x80),
        5 => Operation.Mbind(AddressWindow.Page(0), AddressWindow.PageSize, (MpolMode)7),
        _ => Operation.Mmap(0x1000, AddressWindow.PageSize, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
    };

    /// <summary>
    /// A nommu step. Mappings are placed by the kernel, so later items name them by
    /// the index of their mmap (<see cref="WorkItem.AddrFrom"/>); the mmap is marked
    /// <see cref="WorkItem.Named"/> and the munmap that ends it is the last to name it.
    /// </summary>
    private WorkItem EmitNommu(Step step)
    {
        switch (step)
        {
            case Step.Mmap when _mmaps.Count >= Workload.MaxLiveNommuMappings:
                return EmitNommu(Step.Munmap);
            case Step.Mmap:
                var shared = Rng.Chance(60) ? MapFlags.Shared : MapFlags.Private;
                var pages = Rng.Between(1, NommuChunkPages);
                var chunks = (int)(Workload.SetupFileSize / AddressWindow.PageSize) / NommuChunkPages;
                var pgoff = (ulong)(Rng.Below(chunks) * NommuChunkPages);
                var prot = Rng.Chance(70) ? Prot.Read | Prot.Write : Prot.Read;
                _mmaps.Add((_emitted, Bytes(pages)));
                return new WorkItem(Operation.Mmap(0, Bytes(pages), prot, shared, Rng.Below(Workload.SetupFiles), pgoff), Named: true);
            case Step.Munmap when _mmaps.Count > 0:
                var victim = Rng.Below(_mmaps.Count);
                var (index, len) = _mmaps[victim];
                _mmaps.RemoveAt(victim);
                return new WorkItem(Operation.Munmap(0, len), index);
            case Step.Fault when _mmaps.Count > 0:
                var (target, size) = _mmaps[Rng.Below(_mmaps.Count)];
                var offset = (ulong)Rng.Below((int)(size / AddressWindow.PageSize)) * AddressWindow.PageSize;
                return new WorkItem(Operation.Fault(offset, PickFaultFlags()), target);
            default:
                return EmitNommu(Step.Mmap);
        }
    }

    private static WorkItem Item(Operation op) => new(op);

    private (int First, int Pages) Range(int windowPages)
    {
        var first = Rng.Below(windowPages);
        var pages = Math.Min(Rng.Between(1, MaxRangePages), windowPages - first);
        return (first, pages);
    }

    private static ulong Bytes(int pages) => (ulong)pages * AddressWindow.PageSize;

    private Prot PickProt() => Prots.Pick(Rng);

    private ulong FaultAddress() =>
        AddressWindow.Page(Rng.Below(AddressWindow.Pages)) + (ulong)Rng.Below((int)AddressWindow.PageSize / 8) * 8;

    private FaultFlags PickFaultFlags()
    {
        var kind = FaultKinds.Pick(Rng);
        return Rng.Chance(10) ? kind | FaultFlags.NoSpeculative : kind;
    }
}
