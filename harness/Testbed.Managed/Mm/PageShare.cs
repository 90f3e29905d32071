// SPDX-License-Identifier: GPL-2.0-only
// Port of struct page_share (native/mm/mm_types.h): an anonymous page fork shared.
namespace Testbed.Managed.Mm;

/// <summary>
/// An anonymous page mapped by more than one mm: its mapcount (page_mapcount) and, in the perf
/// flavour, its memory. A page mapped once has none.
/// </summary>
internal sealed class PageShare
{
    /// <summary>The mms mapping the page.</summary>
    public int MapCount;

    /// <summary>The perf flavour's page; null in the checked flavour.</summary>
    public byte[]? Data;
}
