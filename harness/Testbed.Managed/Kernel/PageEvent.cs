// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed.Kernel;

/// <summary>
/// What one page of <see cref="PageWork"/> is, for a simulation that models the page
/// allocator's per-CPU lists and zone lock and the LRU's pagevecs and lru_lock: whether the page
/// comes from the allocator, joins the LRU, leaves both, or none of these.
/// </summary>
public enum PageEvent
{
    /// <summary>A fault takes a page of its own (do_anonymous_page, the COW copy of wp_page_copy): alloc_pages from this CPU's per-CPU list.</summary>
    Allocate,

    /// <summary>munmap's zap clears an entry whose page this was the last mapping of: release_pages takes it off the LRU (under the node's lru_lock) and it goes back to this CPU's per-CPU list (free_unref_page_list).</summary>
    Free,

    /// <summary>munmap's zap clears an entry whose page stays (the zero page, a page-cache page, a page a fork child still maps): no allocator work.</summary>
    Unmap,

    /// <summary>
    /// The fault's new page joins the LRU: lru_cache_add_active_or_unevictable puts it on this
    /// CPU's pagevec, after the PTE check, with the PTE lock held (the same page as the fault's
    /// <see cref="Allocate"/>: no page work of its own).
    /// </summary>
    LruAdd,
}
