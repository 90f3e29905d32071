// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// 4.16's LRU lists and what one page costs under the node's lru_lock, the parameters of
/// <see cref="NodeLock"/>. A fault's new anonymous page (do_anonymous_page, the COW copy) goes
/// to this CPU's lru_add pagevec after the PTE check, under the PTE lock
/// (lru_cache_add_active_or_unevictable); the add that fills it (<see cref="PagevecSize"/>
/// pages) drains it onto the node's lists under the lock (__pagevec_lru_add). munmap's
/// release (release_pages, from the mmu_gather's flush) takes the lock for the pages whose
/// last reference goes and drops it every <see cref="LockBatch"/> pages (lock_batch). None of
/// these is fitted to an anchor.
/// </summary>
public static class LruLists
{
    /// <summary>PAGEVEC_SIZE: 15 since "mm: get 7% more pages in a pagevec" (Matthew Wilcox, in mmotm's since-4.15 branch, merged for 4.16; 14 before).</summary>
    public const int PagevecSize = 15;

    /// <summary>SWAP_CLUSTER_MAX: release_pages drops and retakes the lock after this many pages (lock_batch).</summary>
    public const int LockBatch = 32;

    /// <summary>
    /// Lines an acquisition misses under the lock before its pages: the lruvec's (list heads and
    /// LRU sizes, last written by the previous holder), priced at the machine's transfer between
    /// two cores of one socket (<see cref="Machine.LruAcquireHoldNs"/>).
    /// </summary>
    public const int LruvecMissesPerAcquisition = 1;

    /// <summary>
    /// Lines of struct page one released page misses under the lock: its own, evicted since its
    /// fault (the next page's put_page_testzero runs with the lock held), priced like
    /// <see cref="LruvecMissesPerAcquisition"/> (<see cref="Machine.LruReleaseHoldNsPerPage"/>).
    /// A page added from the pagevec misses none: this CPU wrote its struct page at the fault.
    /// </summary>
    public const int StructPageMissesPerReleasedPage = 1;

    /// <summary>Where the parameters come from.</summary>
    public const string Source =
        "pagevec of 15 and lock batch 32: Linux 4.16 include/linux/pagevec.h (PAGEVEC_SIZE 15, 'mm: get 7% more pages in a pagevec', " +
        "mmotm since-4.15) and mm/swap.c (__lru_cache_add drains a full pagevec by __pagevec_lru_add: pagevec_lru_move_fn holds the " +
        "page's pgdat->lru_lock, irqsave, across the pagevec; release_pages re-takes it every SWAP_CLUSTER_MAX = 32 pages); the order: " +
        "mm/memory.c do_anonymous_page and wp_page_copy add the page (page_add_new_anon_rmap, mem_cgroup_commit_charge, " +
        "lru_cache_add_active_or_unevictable) after the PTE check under the PTE lock, in SPF v6-v9 after pte_map_lock's last check " +
        "(__lru_cache_add_active_or_unevictable with vmf->vma_flags, 'mm: Introduce __lru_cache_add_active_or_unevictable'); " +
        "lru_lock named page_fault1's next bottleneck once the zone lock's is gone (Aaron Lu, 'improve zone->lock scalability for " +
        "order 0 pages', linux-mm, Mar 2018: 'contention shifted to lru_lock'; Daniel Jordan, 'lru_lock scalability', linux-mm, " +
        "Jan 2018: 'one of the hottest locks in the kernel'); no published hold time in ns was found, so the hold is counted in " +
        "cache misses read from the code, as the zone lock's: one on the lruvec per acquisition, one on struct page per released " +
        "page (evicted since its fault), none per added page (this CPU wrote it at the fault), each at the machine's same-socket " +
        "transfer cost -- not measured";
}
