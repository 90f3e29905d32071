// SPDX-License-Identifier: GPL-2.0-only
// Port of struct pte_table (native/mm/mm_types.h): one page-table page, 512 PTEs under
// their own split PTE lock.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>
/// A page-table page: the PTEs of one PMD (512 pages, 2 MiB), each the id of the VMA that
/// populated the page (0: none) with the PTE_* flags above it, under the table's own lock
/// (the kernel's split PTE lock).
/// </summary>
internal sealed class PteTable(ulong addr, PteTable? next)
{
    /// <summary>PTE_ANON: an anonymous page of this mm (a private write installed it).</summary>
    public const ulong PteAnon = 1UL << 63;

    /// <summary>PTE_COW: fork write-protected it; a write fault goes to do_wp_page.</summary>
    public const ulong PteCow = 1UL << 62;

    /// <summary>PTE_TLB_STALE (test-only): the write protection is not flushed from the TLB yet.</summary>
    public const ulong PteTlbStale = 1UL << 61;

    /// <summary>The flag bits of a PTE.</summary>
    public const ulong PteFlags = PteAnon | PteCow | PteTlbStale;

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

    /// <summary>The pages shared by fork (their mapcount), allocated by the first fork that shares one.</summary>
    public PageShare?[]? Share;

    /// <summary>Populated entries (under <see cref="Ptl"/>).</summary>
    public int NrPages;

    /// <summary>pte_index: the entry of addr.</summary>
    public static int Index(ulong addr) => (int)((addr >> MmStruct.PageShift) & (PtrsPerPte - 1));

    /// <summary>
    /// set_pte_at with the lock held: populate addr (no-op if present). A
    /// <paramref name="newPage"/> fault (a private write: do_anonymous_page, or the COW copy of
    /// a file page) takes a zeroed page in the perf flavour. The kernel allocates it before
    /// taking the PTE lock; here under it, once the entry is known to be new. The page joins the
    /// LRU here (<see cref="PageEvent.LruAdd"/>), as in the kernel.
    /// </summary>
    public void Populate(ulong addr, ulong vmaId, bool newPage)
    {
        var i = Index(addr);
        ref var e = ref Pte[i];
        if (e != 0)
            return;
        // The new page joins the LRU (page_add_new_anon_rmap, mem_cgroup_commit_charge,
        // lru_cache_add_active_or_unevictable) once the entry is known to be none, before
        // set_pte_at, with the lock held.
        if (newPage)
            PageWork.Page(PageEvent.LruAdd);
        e = vmaId | (newPage ? PteAnon : 0);
        if (newPage && Pages is { } pages)
            pages[i] = PageAlloc.AllocZeroed();
        NrPages++;
    }

    /// <summary>
    /// A fault on addr about to take the PTE lock: tells <see cref="PageWork"/> of the page it
    /// will take of its own, where the kernel allocates it (before the lock). Nothing when no
    /// hook listens (the entry is then not even read).
    /// </summary>
    public void ReportFaultPage(ulong addr, bool newPage, bool write)
    {
        if (PageWork.Active && AllocatesPage(addr, newPage, write))
            PageWork.Page(PageEvent.Allocate);
    }

    // Whether a fault on addr will take a page of its own, judged from the entry read without
    // the lock, as handle_pte_fault reads orig_pte before do_anonymous_page allocates: a none
    // entry that a newPage fault populates, or a write to a write-protected entry that
    // do_wp_page copies (not one it reuses).
    private bool AllocatesPage(ulong addr, bool newPage, bool write)
    {
        var i = Index(addr);
        var e = Volatile.Read(ref Pte[i]);
        if (e == 0)
            return newPage;
        if (!write || (e & PteCow) == 0)
            return false;
        var s = Volatile.Read(ref Share)?[i];
        return (e & PteAnon) == 0 || (s is not null && Volatile.Read(ref s.MapCount) != 1);
    }

    /// <summary>
    /// The fault's PTE step with the lock held: populate a none entry, or, for a write to an
    /// entry fork write-protected, do_wp_page. Any other present entry stays as it is.
    /// </summary>
    public void FaultLocked(ulong addr, ulong vmaId, bool newPage, bool write)
    {
        var i = Index(addr);
        if (Pte[i] == 0)
        {
            Populate(addr, vmaId, newPage);
            return;
        }
        if (write && (Pte[i] & PteCow) != 0)
            DoWpPage(i, vmaId);
    }

    /// <summary>
    /// do_wp_page for a write by VMA <paramref name="vmaId"/>: an anonymous page this mm alone
    /// maps is reused, any other copied (wp_page_copy); a protection whose TLB flush is still
    /// pending means a stale writable entry may still write the old page (COW broken).
    /// </summary>
    private void DoWpPage(int i, ulong vmaId)
    {
        ref var e = ref Pte[i];
        var s = Share?[i];
        Bug.Warn((e & PteTlbStale) != 0,
            $"wp fault on VMA {vmaId} at {Addr + ((ulong)i << MmStruct.PageShift):x} before fork flushed the TLB: COW broken (a stale writable entry still writes the page the child maps)");
        if ((e & PteAnon) != 0 && (s is null || Volatile.Read(ref s.MapCount) == 1))
        {
            if (s is not null)
                Share![i] = null;
            e &= ~(PteCow | PteTlbStale);
            return;
        }
        // The old page is not freed here (another mapping holds it, or it is the page cache's):
        // no page event beyond the copy's allocation, which ReportFaultPage reported, and its
        // joining the LRU.
        _ = PutPage(i);
        // wp_page_copy: the copy joins the LRU after pte_same, before the entry is set.
        PageWork.Page(PageEvent.LruAdd);
        e = vmaId | PteAnon;
        if (Pages is { } pages)
            pages[i] = PageAlloc.AllocZeroed();
    }

    /// <summary>
    /// The entry's page goes: a shared page loses one mapping (freed with the last), any other
    /// is freed. Returns whether a page of this mm's own went back to the allocator (an
    /// anonymous page's last mapping), in both flavours: the zero page and page-cache pages
    /// (entries without <see cref="PteAnon"/>) are not freed by an unmap.
    /// </summary>
    private bool PutPage(int i)
    {
        if (Share?[i] is { } s)
        {
            Share[i] = null;
            if (Pages is { } shared)
                shared[i] = null;
            if (Interlocked.Decrement(ref s.MapCount) != 0)
                return false;
            PageAlloc.Free(s.Data);
            return true;
        }
        if (Pages is { } pages)
        {
            PageAlloc.Free(pages[i]);
            pages[i] = null;
        }
        return (Pte[i] & PteAnon) != 0;
    }

    /// <summary>
    /// copy_one_pte on the source side, with the lock held: on a COW mapping the entry is
    /// write-protected (its TLB entry stale until the fork's flush) and an anonymous page gains
    /// the child's mapping. Returns the child's flags, share and page.
    /// </summary>
    public (ulong Flags, PageShare? Share, byte[]? Page) CopyOut(int i, bool cow)
    {
        ref var e = ref Pte[i];
        if (cow)
            e |= PteCow | PteTlbStale;
        PageShare? s = null;
        if ((e & PteAnon) != 0)
        {
            Share ??= new PageShare?[PtrsPerPte];
            s = Share[i];
            if (s is null)
            {
                s = new PageShare { MapCount = 1, Data = Pages?[i] };
                Share[i] = s;
            }
            Interlocked.Increment(ref s.MapCount);
        }
        return (e & (PteAnon | PteCow), s, Pages?[i]);
    }

    /// <summary>copy_one_pte on the child's side, with its lock held.</summary>
    public void CopyIn(int i, ulong vmaId, (ulong Flags, PageShare? Share, byte[]? Page) from)
    {
        Bug.Warn(Pte[i] != 0, $"copy_page_range: child entry {Addr + ((ulong)i << MmStruct.PageShift):x} present");
        Pte[i] = vmaId | from.Flags;
        if (from.Share is { } s)
        {
            Share ??= new PageShare?[PtrsPerPte];
            Share[i] = s;
        }
        if (Pages is { } pages)
            pages[i] = from.Page;
        NrPages++;
    }

    /// <summary>
    /// zap_pte_range's step with the lock held: forget entry <paramref name="i"/> (populated)
    /// and give its page back (one page of <see cref="PageWork"/>: <see cref="PageEvent.Free"/>
    /// when the page went back to the allocator, <see cref="PageEvent.Unmap"/> when it stays).
    /// </summary>
    public void Clear(int i)
    {
        PageWork.Page(PutPage(i) ? PageEvent.Free : PageEvent.Unmap);
        Pte[i] = 0;
        NrPages--;
    }

    /// <summary>Does a first touch install a page of its own? A private write does; a read maps the zero page or the page cache's, a shared write dirties the page cache's.</summary>
    public static bool NewPage(FaultFlags flags, VmFlags vmFlags) =>
        (flags & FaultFlags.Write) != 0 && (vmFlags & VmFlags.Shared) == 0;
}
