// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Workloads;

/// <summary>
/// One step of a thread's stream. <see cref="OpKind.GetVma"/> takes a reference at
/// <c>Op.Addr</c>; <see cref="OpKind.PutVma"/> drops the thread's oldest reference.
/// When <see cref="AddrFrom"/> is not negative, the address is only known at run
/// time: it is the result of this thread's item number <see cref="AddrFrom"/> (an
/// mmap) plus <c>Op.Addr</c> as an offset — how nommu streams name their mappings.
/// Such an mmap is <see cref="Named"/>, and a munmap naming one is the last item
/// that names it, so a runner keeps only the results still to be named.
/// With <see cref="Race"/> (kernel sequences only) the guest races threads on the range
/// before <c>Op</c> re-reserves it; everything else runs <c>Op</c> alone.
/// <see cref="OpKind.Fork"/> forks the address space (the runner keeps the child, one at a
/// time: a later fork replaces it); with <see cref="OnChild"/> <c>Op</c> runs on that child.
/// The one step type of every runner: the workload streams, the nommu A/B and the kernel sequences.
/// </summary>
public readonly record struct WorkItem(Operation Op, int AddrFrom = -1, bool Named = false, RaceLoad? Race = null, bool OnChild = false)
{
    /// <summary>A plain step: <paramref name="op"/> at its own address.</summary>
    public static implicit operator WorkItem(Operation op) => new(op);

    /// <summary>
    /// A race over [<paramref name="addr"/>, +<paramref name="len"/>) that ends with the range
    /// re-reserved: mmap(PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED).
    /// </summary>
    public static WorkItem RaceOver(ulong addr, ulong len, int threads, int iterations) =>
        new(Operation.Mmap(addr, len, Prot.None, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
            Race: new RaceLoad(threads, iterations));

    /// <summary>A get_vma at <paramref name="addr"/>.</summary>
    public static WorkItem GetVma(ulong addr) => new(new Operation(OpKind.GetVma, addr, 0, Prot.None, 0, -1, 0));

    /// <summary>A fork; the child replaces the thread's previous one.</summary>
    public static WorkItem Fork() => new(new Operation(OpKind.Fork, 0, 0, Prot.None, 0, -1, 0));

    /// <summary><paramref name="op"/> on the thread's latest fork child.</summary>
    public static WorkItem Child(Operation op) => new(op, OnChild: true);

    /// <summary>A put_vma of the thread's oldest reference.</summary>
    public static WorkItem PutVma() => new(new Operation(OpKind.PutVma, 0, 0, Prot.None, 0, -1, 0));

    /// <summary>Whether no later item names <see cref="AddrFrom"/> (the munmap that ends that mapping).</summary>
    public bool LastUse => AddrFrom >= 0 && Op.Kind == OpKind.Munmap;

    /// <inheritdoc/>
    public override string ToString() => Op.Kind switch
    {
        _ when Race is { } race => $"race({race.Threads} threads x {race.Iterations}, 0x{Op.Addr:x}, 0x{Op.Len:x})",
        OpKind.GetVma => $"get_vma(0x{Op.Addr:x})",
        OpKind.PutVma => "put_vma(oldest)",
        OpKind.Fork => "fork()",
        _ when OnChild => $"child: {Op}",
        _ when AddrFrom >= 0 => $"{Op} [addr = result of #{AddrFrom} + 0x{Op.Addr:x}]",
        _ => Op.ToString(),
    };
}
