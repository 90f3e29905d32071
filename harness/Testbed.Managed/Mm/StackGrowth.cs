// SPDX-License-Identifier: GPL-2.0-only
// Port of the stack growth of native/mm/mmap.c (4.16 expand_stack → expand_downwards with
// stack_guard_gap) and of native/mm/memory.c's lock_mm_and_expand_stack (6.4.1+'s
// lock_mm_and_find_vma, the per-VMA-lock design's way in).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>4.16's default stack_guard_gap: 256 pages.</summary>
    private const ulong StackGuardGap = 256UL << PageShift;

    /// <summary>RLIMIT_STACK at its usual default, the one limit of acct_stack_growth the model keeps.</summary>
    private const ulong RlimitStack = 8UL << 20;

    /// <summary>
    /// expand_downwards: extend a VM_GROWSDOWN vma down to addr. The 4.16 designs hold
    /// mmap_sem for read only; the re-check and the update run under page_table_lock (the
    /// model has no anon_vma lock), inside a vm_sequence write section on SPF. mmu-pvl holds
    /// mmap_sem for write and write-locks the VMA first (6.4.1's "mm: lock a vma before
    /// stack expansion"). 0 or a negative errno.
    /// </summary>
    public int ExpandStack(VmAreaStruct vma, ulong addr)
    {
        addr &= ~(PageSize - 1);
        // security_mmap_addr: the caller has no CAP_SYS_RAWIO.
        if (addr < MmapMinAddr)
            return -Errno.EPERM;
        // Enforce stack_guard_gap against an accessible neighbour below.
        if (vma.VmPrev is { } prev && (prev.VmFlags & VmFlags.Growsdown) == 0 &&
            (prev.VmFlags & (VmFlags.Write | VmFlags.Read | VmFlags.Exec)) != 0 &&
            addr - prev.VmEnd < StackGuardGap)
            return -Errno.ENOMEM;
        if (!AnonVmaPrepare(vma))
            return -Errno.ENOMEM;
        if (PerVmaLock && Options.TestOnlyMutant == ManagedMutant.ExpandStackUnlocked)
            vma.VmWriteTrace(EventType.VmaWriteBegin);
        else if (PerVmaLock)
            vma.VmWriteBegin();
        PageTableLock.Lock();
        // Somebody else might have raced and expanded it already.
        var error = 0;
        if (addr < vma.VmStart)
        {
            var size = vma.VmEnd - addr;
            var grow = (vma.VmStart - addr) >> PageShift;
            error = -Errno.ENOMEM;
            if (grow <= vma.VmPgoff && size <= RlimitStack)
            {
                error = 0;
                if (!PerVmaLock)
                    vma.VmWriteBegin();
                var oldStart = vma.VmStart;
                Volatile.Write(ref vma.VmStart, addr);
                Volatile.Write(ref vma.VmPgoff, vma.VmPgoff - grow);
                if (!PerVmaLock)
                    vma.VmWriteEnd();
                // 6.1+: mas_store_prealloc of the grown range.
                VmaMtMove(vma, oldStart, vma.VmEnd);
                VmaGapUpdate(vma);
            }
        }
        PageTableLock.Unlock();
        if (PerVmaLock)
            vma.VmWriteEnd();
        return error;
    }

    /// <summary>
    /// The slow half of lock_mm_and_find_vma (mmu-pvl): drop mmap_sem read, take it for write,
    /// look the VMA up again, expand, then downgrade. The VMA with mmap_sem held for read, or
    /// null with it released.
    /// </summary>
    private VmAreaStruct? LockMmAndExpandStack(ulong addr)
    {
        MmapSem.UpRead();
        MmapWriteLock();
        var vma = FindVma(addr);
        if (vma is not null && (vma.VmStart <= addr ||
            ((vma.VmFlags & VmFlags.Growsdown) != 0 && ExpandStack(vma, addr) == 0)))
        {
            // mmap_write_downgrade: the VMA marks end with the write section.
            VmaEndWriteAll();
            MmapSem.DowngradeWrite();
            return vma;
        }
        MmapWriteUnlock();
        return null;
    }
}
