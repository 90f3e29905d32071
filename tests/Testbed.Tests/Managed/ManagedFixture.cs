// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Managed;

/// <summary>Helpers shared by the managed port's specs: addresses in pages, layout strings.</summary>
internal static class ManagedFixture
{
    public const ulong Page = 4096;

    /// <summary>The base of the test window; page n of the window is Base + n * Page.</summary>
    public const ulong Base = 0x100000000UL;

    public static ulong P(int n) => Base + ((ulong)n * Page);

    /// <summary>A managed mm of two threads: the series tries the speculative path only for a multithreaded mm.</summary>
    public static ManagedAddressSpace Create(string config = "mmu-spf", ManagedOptions? options = null)
    {
        var mm = new ManagedAddressSpace(config, options);
        Assert.Equal(0, mm.SetThreads(2));
        return mm;
    }

    public static long MapFixed(this IAddressSpace mm, int page, int pages, Prot prot, MapFlags extra = MapFlags.Private) =>
        mm.Execute(Operation.Mmap(P(page), (ulong)pages * Page, prot, extra | MapFlags.Fixed | MapFlags.Anonymous));

    /// <summary>The layout as "start-end" page numbers relative to Base, e.g. "0-4 4-8".</summary>
    public static string Layout(this IAddressSpace mm) =>
        string.Join(' ', mm.Snapshot().Select(v => $"{(long)(v.Start - Base) / (long)Page}-{(long)(v.End - Base) / (long)Page}"));

    public static VmaInfo At(this IAddressSpace mm, int page) => mm.Snapshot().Single(v => v.Start <= P(page) && P(page) < v.End);

    /// <summary>Validate() is clean and no violation was recorded.</summary>
    public static void AssertHealthy(this IAddressSpace mm)
    {
        Assert.Equal(0, mm.Validate());
        Assert.Empty(mm.Violations());
    }
}
