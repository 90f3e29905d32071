// SPDX-License-Identifier: GPL-2.0-only
// Port of struct pte_table (native/mm/mm_types.h): one page-table page, 512 PTEs under
// their own split PTE lock.
using Testbed.Contract;
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

    /// <summary>
    /// The perf flavour's pages a private write installed (<see cref="PageAlloc"/>); null in the
    /// checked flavour, which takes no pages.
    /// </summary>
    public readonly byte[]?[]? Pages = ManagedFlavour.Checked ? null : new byte[]?[PtrsPerPte];

    /// <summary>Populated entries (under <see cref="Ptl"/>).</summary>
    public int NrPages;

    /// <summary>pte_index: the entry of addr.</summary>
    public static int Index(ulong addr) => (int)((addr >> MmStruct.PageShift) & (PtrsPerPte - 1));

    /// <summary>
    /// set_pte_at with the lock held: populate addr (no-op if present). A
    /// <paramref name="newPage"/> fault (a private write: do_anonymous_page, or the COW copy of
    /// a file page) takes a zeroed page in the perf flavour. The kernel allocates it before
    /// taking the PTE lock; here under it, once the entry is known to be new.
    /// </summary>
    public void Populate(ulong addr, ulong vmaId, bool newPage)
    {
        var i = Index(addr);
        ref var e = ref Pte[i];
        if (e != 0)
            return;
        e = vmaId;
        if (newPage && Pages is { } pages)
            pages[i] = PageAlloc.AllocZeroed();
        NrPages++;
    }

    /// <summary>zap_pte_range's step with the lock held: forget entry <paramref name="i"/> (populated) and give its page back.</summary>
    public void Clear(int i)
    {
        Pte[i] = 0;
        if (Pages is { } pages)
        {
            PageAlloc.Free(pages[i]);
            pages[i] = null;
        }
        NrPages--;
    }

    /// <summary>Does a first touch install a page of its own? A private write does; a read maps the zero page or the page cache's, a shared write dirties the page cache's.</summary>
    public static bool NewPage(FaultFlags flags, VmFlags vmFlags) =>
        (flags & FaultFlags.Write) != 0 && (vmFlags & VmFlags.Shared) == 0;
}
