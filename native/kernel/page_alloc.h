/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel/page_alloc.h - the page a first-touch fault installs.
 *
 * MIRRORED in kind, not in structure: do_anonymous_page takes a page from
 * the allocator's per-CPU lists (alloc_zeroed_user_highpage_movable), zeroes
 * it and maps it; zap_pte_range gives it back (free_unref_page, to the
 * freeing CPU's list).  Here a thread stands for a CPU: a per-thread list of
 * 4 KiB pages with a high watermark, refilled from and drained to one zone
 * in batches under the zone's lock, as the pcp lists are from the buddy
 * allocator.  A page's contents
 * are never read; what the model keeps is the cost of getting and clearing
 * one, so that a fault's time has the kernel's proportions of lookup,
 * locking and page work.
 *
 * Only the perf flavour takes real pages: the checked flavour counts and
 * checks and is never timed, so there alloc_zeroed_page returns NULL and
 * free_page ignores NULL.
 */
#ifndef TB_KERNEL_PAGE_ALLOC_H
#define TB_KERNEL_PAGE_ALLOC_H

#include <stddef.h>

#ifdef TB_PERF
void *alloc_zeroed_page(void);
void free_page(void *page);
#else
static inline void *alloc_zeroed_page(void)
{
	return NULL;
}

static inline void free_page(void *page)
{
	(void)page;
}
#endif

#endif /* TB_KERNEL_PAGE_ALLOC_H */
