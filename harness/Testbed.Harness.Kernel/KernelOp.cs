// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>The kinds of step a kernel sequence can take.</summary>
public enum KernelOpKind
{
    /// <summary>mmap(addr, len, prot, flags, file slot, pgoff).</summary>
    Mmap,

    /// <summary>munmap(addr, len).</summary>
    Munmap,

    /// <summary>mprotect(addr, len, prot).</summary>
    Mprotect,

    /// <summary>A read or write of one byte: a page fault when the page is not populated.</summary>
    Touch,

    /// <summary>Threads touch pages of a range while the main thread remaps it; then the range is re-reserved.</summary>
    Race,

    /// <summary>mbind(addr, len, mode): node 0 for every mode but MPOL_DEFAULT.</summary>
    Mbind,
}

/// <summary>
/// One step of a kernel sequence. <see cref="Slot"/> is the file slot for file mmaps (-1 otherwise),
/// <see cref="PgOff"/> the file page offset, <see cref="Write"/> the touch direction,
/// <see cref="Threads"/>/<see cref="Iterations"/> the size of a race, and <see cref="Mode"/> the
/// policy of an mbind.
/// </summary>
public sealed record KernelOp(
    KernelOpKind Kind,
    ulong Addr,
    ulong Len,
    Prot Prot = Prot.None,
    MapFlags Flags = MapFlags.None,
    int Slot = -1,
    ulong PgOff = 0,
    bool Write = false,
    int Threads = 0,
    int Iterations = 0,
    MpolMode Mode = MpolMode.Default)
{
    /// <summary>The line the guest program reads for this step.</summary>
    public string ToGuestLine() => Kind switch
    {
        KernelOpKind.Mmap => $"mmap 0x{Addr:x} 0x{Len:x} {(uint)Prot} 0x{(uint)Flags:x} {Slot} {PgOff}",
        KernelOpKind.Munmap => $"munmap 0x{Addr:x} 0x{Len:x}",
        KernelOpKind.Mprotect => $"mprotect 0x{Addr:x} 0x{Len:x} {(uint)Prot}",
        KernelOpKind.Touch => $"touch 0x{Addr:x} {(Write ? 'w' : 'r')}",
        KernelOpKind.Race => $"race {Threads} {Iterations} 0x{Addr:x} 0x{Len:x}",
        KernelOpKind.Mbind => $"mbind 0x{Addr:x} 0x{Len:x} {(uint)Mode}",
        _ => throw new InvalidOperationException($"unknown op kind {Kind}"),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        KernelOpKind.Mmap => $"mmap(0x{Addr:x}, 0x{Len:x}, {Prot}, {Flags}, slot {Slot}, pgoff {PgOff})",
        KernelOpKind.Munmap => $"munmap(0x{Addr:x}, 0x{Len:x})",
        KernelOpKind.Mprotect => $"mprotect(0x{Addr:x}, 0x{Len:x}, {Prot})",
        KernelOpKind.Touch => $"touch(0x{Addr:x}, {(Write ? "write" : "read")})",
        KernelOpKind.Race => $"race({Threads} threads x {Iterations}, 0x{Addr:x}, 0x{Len:x})",
        KernelOpKind.Mbind => $"mbind(0x{Addr:x}, 0x{Len:x}, {Mode})",
        _ => Kind.ToString(),
    };
}
