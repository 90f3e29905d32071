// SPDX-License-Identifier: GPL-2.0-only
// Port of struct pte_table (native/mm/mm_types.h): one page-table page, 512 PTEs under
// their own split PTE lock.
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>
/// A page-table page: the PTEs of one PMD (512 pages, 2 MiB), each the id of the VMA that
/// populated the page (0: none), under the table's own lock (the kernel's split PTE lock).
/// </summary>
internal sealed class PteTable(ulong addr, PteTable? next)
{
    /// <summary>PTRS_PER_PTE.</summary>
    public const int PtrsPerPte = 512;

    /// <summary>PMD_SHIFT.</summary>
    public const int PmdShift = MmStruct.PageShift + 9;

    /// <summary>PMD_SIZE.</summary>
    public const ulong PmdSize = 1UL << PmdShift;

    /// <summary>The split PTE lock (ptlock_ptr).</summary>
    public readonly SpinLockT Ptl = new(LockRank.PageTableLock);

    /// <summary>The first address mapped (PMD aligned).</summary>
    public readonly ulong Addr = addr;

    /// <summary>The next table in the directory chain.</summary>
    public readonly PteTable? Next = next;

    /// <summary>The PTEs: the id of the VMA that populated each page, 0 for none.</summary>
    public readonly ulong[] Pte = new ulong[PtrsPerPte];

    /// <summary>Populated entries (under <see cref="Ptl"/>).</summary>
    public int NrPages;

    /// <summary>pte_index: the entry of addr.</summary>
    public static int Index(ulong addr) => (int)((addr >> MmStruct.PageShift) & (PtrsPerPte - 1));

    /// <summary>set_pte_at with the lock held: populate addr (no-op if present).</summary>
    public void Populate(ulong addr, ulong vmaId)
    {
        ref var e = ref Pte[Index(addr)];
        if (e != 0)
            return;
        e = vmaId;
        NrPages++;
    }
}
