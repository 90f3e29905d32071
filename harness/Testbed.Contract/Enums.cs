// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

// The contract's own copies of the C API constants (native/include/testbed.h).
// The managed port must not reference interop, so these are written here by
// hand; a test checks that every value equals the generated binding's.

/// <summary>mmap/mprotect protections (PROT_*).</summary>
[Flags]
public enum Prot : uint
{
    None = 0x0,
    Read = 0x1,
    Write = 0x2,
    Exec = 0x4,
}

/// <summary>mmap flags (MAP_*).</summary>
[Flags]
public enum MapFlags : uint
{
    None = 0x0,
    Shared = 0x01,
    Private = 0x02,
    Fixed = 0x10,
    Anonymous = 0x20,
}

/// <summary>vm_flags of a VMA (VM_*).</summary>
[Flags]
public enum VmFlags : ulong
{
    None = 0,
    Read = 0x00000001,
    Write = 0x00000002,
    Exec = 0x00000004,
    Shared = 0x00000008,
    MayRead = 0x00000010,
    MayWrite = 0x00000020,
    MayExec = 0x00000040,
    MayShare = 0x00000080,
    Account = 0x00100000,
}

/// <summary>Memory policy modes (MPOL_*).</summary>
public enum MpolMode : uint
{
    Default = 0,
    Preferred = 1,
    Bind = 2,
    Interleave = 3,
}

/// <summary>
/// tb_mm_create flags: which kernel's rules an mm follows where 4.16 and a later kernel
/// differ. MMU configs only (nommu rejects them).
/// </summary>
[Flags]
public enum MmFlags : uint
{
    None = 0x0,

    /// <summary>mmap_region merges as 6.1's (vma_expand): next first, prev only if it can share next's anon_vma.</summary>
    MmapMergeNextFirst = 0x1,
}

/// <summary>nommu mmap capabilities of a file.</summary>
[Flags]
public enum FileFlags : uint
{
    None = 0x0,
    MapDirect = 0x1,
    MapCopy = 0x2,
}

/// <summary>Fault flags.</summary>
[Flags]
public enum FaultFlags : uint
{
    Read = 0x0,
    Write = 0x1,
    Exec = 0x2,
    NoSpeculative = 0x4,

    /// <summary>A kernel-mode access (FAULT_FLAG_USER clear): never speculative.</summary>
    Kernel = 0x8,
}

/// <summary>Non-negative results of a fault.</summary>
public enum FaultResult
{
    Speculative = 0,
    Classic = 1,
}

/// <summary>Operation kinds (batch entries and event tags).</summary>
public enum OpKind : uint
{
    None = 0,
    Mmap = 1,
    Munmap = 2,
    Mprotect = 3,
    Mbind = 4,
    Fault = 5,
    FileOpen = 6,
    FileClose = 7,
    GetVma = 8,
    PutVma = 9,
    Exit = 10,
}

/// <summary>Object caches, for accounting and allocation-failure injection.</summary>
public enum CacheKind : uint
{
    Any = 0,
    Vma = 1,
    File = 2,
    Mempolicy = 3,
    AnonVma = 4,
    Region = 5,
}

/// <summary>Lifecycle event types.</summary>
public enum EventType : uint
{
    VmaAlloc = 1,
    VmaFree = 2,
    FileAlloc = 3,
    FileGet = 4,
    FilePut = 5,
    FileFree = 6,
    MpolAlloc = 7,
    MpolGet = 8,
    MpolPut = 9,
    MpolFree = 10,
    RegionAlloc = 11,
    RegionGet = 12,
    RegionPut = 13,
    RegionFree = 14,
    AnonVmaAlloc = 15,
    AnonVmaFree = 16,
}

/// <summary>Points where lock, atomic and seqcount primitives call the scheduling hook.</summary>
public enum SchedPoint
{
    Lock = 1,
    Unlock = 2,
    Atomic = 3,
    SeqBegin = 4,
    SeqEnd = 5,
    SeqRead = 6,
}

/// <summary>Why a speculative fault fell back to the classic path.</summary>
public enum SpfAbort
{
    NoVma = 0,
    SeqOdd = 1,
    SeqChanged = 2,
    Detached = 3,
    Access = 4,
    NotAnon = 5,
    NoAnonVma = 6,
    Mpol = 7,
    PtlBusy = 8,
}
