// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Workloads;

/// <summary>
/// Where workloads operate: a small fixed window low in the address space, so
/// ranges overlap constantly, and the top of the mmap area, where non-fixed
/// mappings land (top-down search from mmap_base).
/// </summary>
public static class AddressWindow
{
    /// <summary>PAGE_SIZE.</summary>
    public const ulong PageSize = 4096;

    /// <summary>First address of the fixed window.</summary>
    public const ulong Base = 0x1000_0000;

    /// <summary>Pages in the fixed window.</summary>
    public const int Pages = 64;

    /// <summary>The model's mmap_base (fixed, no randomisation).</summary>
    public const ulong MmapBase = 0x7f00_0000_0000;

    /// <summary>Pages below mmap_base that munmap targets, where non-fixed mappings land.</summary>
    public const int TopPages = 64;

    /// <summary>The address of page <paramref name="page"/> of the fixed window.</summary>
    public static ulong Page(int page) => Base + (ulong)page * PageSize;

    /// <summary>The address of page <paramref name="page"/> of the top area.</summary>
    public static ulong TopPage(int page) => MmapBase - (ulong)(TopPages - page) * PageSize;
}
