// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// 4.16's per-CPU page lists (struct per_cpu_pages) and what one page costs under the zone's
/// lock, the parameters of <see cref="NodeLock"/>. A CPU allocates order-0 pages from its own
/// list for its node's zone; an allocation that finds the list empty refills it with
/// <see cref="Batch"/> pages from the zone (rmqueue_bulk), a free that brings the list to
/// <see cref="High"/> drains <see cref="Batch"/> pages back (free_pcppages_bulk), each under the
/// zone's spinlock. None of these is fitted to an anchor.
/// </summary>
public static class PerCpuPages
{
    /// <summary>pcp->batch of a big zone: zone_batchsize caps the zone's 1/1024 at 512 KiB (128 pages), quarters it (32) and clamps it to 2^n − 1: rounddown_pow_of_two(32 + 16) − 1 = 31.</summary>
    public const int Batch = 31;

    /// <summary>pcp->high: pageset_set_batch sets it to 6 × batch.</summary>
    public const int High = 6 * Batch;

    /// <summary>
    /// Lines of struct page that one page's buddy work misses under the lock, priced at the
    /// machine's transfer between two cores of one socket (<see cref="Machine.ZoneHoldNsPerPage"/>).
    /// </summary>
    public const int StructPageMissesPerPage = 1;

    /// <summary>Where the parameters come from.</summary>
    public const string Source =
        "batch 31 and high 6 x batch: Linux 4.16 mm/page_alloc.c (zone_batchsize, pageset_set_batch; refill in __rmqueue_pcplist when the " +
        "list is empty, drain in free_unref_page_commit when count >= high); the hold per page: one struct page cache miss per page at the " +
        "machine's same-socket transfer cost, from Aaron Lu's zone->lock series (linux-mm, Jan-Mar 2018: 'the most time consuming part of " +
        "operations under zone->lock is cache misses on struct page' -- the buddy's on the free path, the free list's pages touched one by " +
        "one on the allocation path); no published hold time in ns was found, so the count of misses is read from that statement, not measured";
}
