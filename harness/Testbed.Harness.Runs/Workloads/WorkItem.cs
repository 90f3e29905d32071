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
/// </summary>
public readonly record struct WorkItem(Operation Op, int AddrFrom = -1, bool Named = false)
{
    /// <summary>A get_vma at <paramref name="addr"/>.</summary>
    public static WorkItem GetVma(ulong addr) => new(new Operation(OpKind.GetVma, addr, 0, Prot.None, 0, -1, 0));

    /// <summary>A put_vma of the thread's oldest reference.</summary>
    public static WorkItem PutVma() => new(new Operation(OpKind.PutVma, 0, 0, Prot.None, 0, -1, 0));

    /// <summary>Whether no later item names <see cref="AddrFrom"/> (the munmap that ends that mapping).</summary>
    public bool LastUse => AddrFrom >= 0 && Op.Kind == OpKind.Munmap;

    /// <inheritdoc/>
    public override string ToString() => Op.Kind switch
    {
        OpKind.GetVma => $"get_vma(0x{Op.Addr:x})",
        OpKind.PutVma => "put_vma(oldest)",
        _ when AddrFrom >= 0 => $"{Op} [addr = result of #{AddrFrom} + 0x{Op.Addr:x}]",
        _ => Op.ToString(),
    };
}
