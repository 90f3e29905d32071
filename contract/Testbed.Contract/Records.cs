// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

/// <summary>
/// A VMA as seen by a snapshot or through a get_vma reference (struct tb_vma_info).
/// <paramref name="CowPages"/>: its pages fork write-protected (a write copies or reuses them);
/// <paramref name="AnonChain"/>: the anon_vmas it links (its own and, after fork, its ancestors').
/// </summary>
public readonly record struct VmaInfo(
    ulong Id,
    ulong Start,
    ulong End,
    ulong PgOff,
    VmFlags Flags,
    ulong FileId,
    ulong RegionId,
    MpolMode Policy,
    int RefCount,
    uint Populated,
    bool HasAnonVma,
    bool InTree,
    uint Sequence,
    uint CowPages = 0,
    uint AnonChain = 0);

/// <summary>Counters of one address space (struct tb_stats).</summary>
public sealed record Stats
{
    public ulong LiveVmas { get; init; }
    public ulong LiveFiles { get; init; }
    public ulong LiveMempolicies { get; init; }
    public ulong LiveAnonVmas { get; init; }
    public ulong LiveRegions { get; init; }
    public ulong MapCount { get; init; }
    public ulong PopulatedPages { get; init; }
    public ulong Allocations { get; init; }
    public ulong InjectedFailures { get; init; }
    public ulong Faults { get; init; }
    public ulong SpfAttempts { get; init; }
    public ulong SpfSuccess { get; init; }
    public ulong SpfAbortNoVma { get; init; }
    public ulong SpfAbortSeqOdd { get; init; }
    public ulong SpfAbortSeqChanged { get; init; }
    public ulong SpfAbortDetached { get; init; }
    public ulong SpfAbortAccess { get; init; }
    public ulong SpfAbortNotAnon { get; init; }
    public ulong SpfAbortNoAnonVma { get; init; }
    public ulong SpfAbortMpol { get; init; }
    public ulong SpfAbortPtlBusy { get; init; }
    public ulong ClassicFaults { get; init; }
    public ulong Fallbacks { get; init; }
    public ulong SpfVmaReused { get; init; }
    public ulong Segv { get; init; }
    public ulong Violations { get; init; }
    public ulong EventsLost { get; init; }
}

/// <summary>A recorded WARN/BUG or failed check (struct tb_violation).</summary>
public sealed record Violation(ulong Seq, ulong OpSeq, uint Line, OpKind Op, string Site, string Message)
{
    public override string ToString() => $"#{Seq} op {OpSeq} ({Op}) {Site}:{Line}: {Message}";
}

/// <summary>One lifecycle or order event (struct tb_event); a lock event's object is its <see cref="LockClass"/>.</summary>
public readonly record struct LifecycleEvent(ulong Seq, ulong OpSeq, ulong ObjectId, long Value, EventType Type, OpKind Op)
{
    public override string ToString() => Type is EventType.LockAcquire or EventType.LockRelease
        ? $"#{Seq} op {OpSeq} {Op,-9} {Type,-13} {(LockClass)ObjectId} {(Value != 0 ? "shared" : "exclusive")}"
        : $"#{Seq} op {OpSeq} {Op,-9} {Type,-13} obj {ObjectId} -> {Value}";
}

/// <summary>
/// One address-space operation (struct tb_op). <see cref="Flags"/> means map flags for mmap,
/// fault flags for fault, the policy mode for mbind and file flags for file_open;
/// <see cref="Len"/> is the file size for file_open.
/// </summary>
public readonly record struct Operation(OpKind Kind, ulong Addr, ulong Len, Prot Prot, uint Flags, int Fd, ulong PgOff)
{
    public static Operation Mmap(ulong addr, ulong len, Prot prot, MapFlags flags, int fd = -1, ulong pgoff = 0) =>
        new(OpKind.Mmap, addr, len, prot, (uint)flags, fd, pgoff);

    public static Operation Munmap(ulong addr, ulong len) => new(OpKind.Munmap, addr, len, Prot.None, 0, -1, 0);

    public static Operation Mprotect(ulong addr, ulong len, Prot prot) => new(OpKind.Mprotect, addr, len, prot, 0, -1, 0);

    public static Operation Mbind(ulong addr, ulong len, MpolMode mode) => new(OpKind.Mbind, addr, len, Prot.None, (uint)mode, -1, 0);

    public static Operation Fault(ulong addr, FaultFlags flags) => new(OpKind.Fault, addr, 0, Prot.None, (uint)flags, -1, 0);

    public static Operation FileOpen(ulong size, FileFlags flags) => new(OpKind.FileOpen, 0, size, Prot.None, (uint)flags, -1, 0);

    public static Operation FileClose(int fd) => new(OpKind.FileClose, 0, 0, Prot.None, 0, fd, 0);

    /// <summary>madvise's fork behaviours over [addr, addr + len) (<see cref="MadviseAdvice"/>).</summary>
    public static Operation Madvise(ulong addr, ulong len, MadviseAdvice advice) =>
        new(OpKind.Madvise, addr, len, Prot.None, (uint)advice, -1, 0);

    public override string ToString() => Kind switch
    {
        OpKind.Mmap => $"mmap(0x{Addr:x}, 0x{Len:x}, {Prot}, {(MapFlags)Flags}, fd {Fd}, pgoff 0x{PgOff:x})",
        OpKind.Munmap => $"munmap(0x{Addr:x}, 0x{Len:x})",
        OpKind.Mprotect => $"mprotect(0x{Addr:x}, 0x{Len:x}, {Prot})",
        OpKind.Mbind => $"mbind(0x{Addr:x}, 0x{Len:x}, {(MpolMode)Flags})",
        OpKind.Fault => $"fault(0x{Addr:x}, {(FaultFlags)Flags})",
        OpKind.FileOpen => $"file_open(0x{Len:x}, {(FileFlags)Flags})",
        OpKind.FileClose => $"file_close({Fd})",
        OpKind.Madvise => $"madvise(0x{Addr:x}, 0x{Len:x}, {(MadviseAdvice)Flags})",
        _ => $"{Kind}(0x{Addr:x}, 0x{Len:x})",
    };
}

/// <summary>What a backend is built as (struct tb_config_info).</summary>
/// <param name="Caps">What it can do (tb_config_info.caps): asked of the backend, not known by config name.</param>
public sealed record ConfigInfo(
    string Name,
    bool Mmu,
    bool Spf,
    bool SharedFree,
    uint TestFlags,
    ulong PageSize,
    ulong TaskSize,
    ulong MmapMinAddr,
    ulong MmapBase,
    Capabilities Caps)
{
    /// <summary>get_vma/put_vma references exist (SPF with vm_ref_count); elsewhere -EOPNOTSUPP.</summary>
    public bool VmaRefs => Caps.HasFlag(Capabilities.GetVma);

    /// <summary>A fault can complete without mmap_sem (SPF, per-VMA locks): the speculative stats can move.</summary>
    public bool LocklessFaults => Caps.HasFlag(Capabilities.LocklessFaults);
}
