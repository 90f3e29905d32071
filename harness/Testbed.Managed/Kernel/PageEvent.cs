// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed.Kernel;

/// <summary>
/// What one page of <see cref="PageWork"/> is, for a simulation that models the page
/// allocator's per-CPU lists and zone lock: whether the page comes from the allocator, goes
/// back to it, or neither.
/// </summary>
public enum PageEvent
{
    /// <summary>A fault takes a page of its own (do_anonymous_page, the COW copy of wp_page_copy): alloc_pages from this CPU's per-CPU list.</summary>
    Allocate,

    /// <summary>munmap's zap clears an entry whose page this was the last mapping of: the page goes back to this CPU's per-CPU list (free_unref_page).</summary>
    Free,

    /// <summary>munmap's zap clears an entry whose page stays (the zero page, a page-cache page, a page a fork child still maps): no allocator work.</summary>
    Unmap,
}
