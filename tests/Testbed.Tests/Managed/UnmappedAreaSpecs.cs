// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>get_unmapped_area: top-down from mmap_base using rb_subtree_gap, hints.</summary>
public sealed class UnmappedAreaSpecs
{
    private const ulong MmapBase = 0x7f0000000000UL;

    private static long Map(Testbed.Managed.ManagedAddressSpace mm, ulong hint, ulong pages) =>
        mm.Execute(Operation.Mmap(hint, pages * Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous));

    [Fact]
    public void Mappings_without_a_hint_go_top_down_from_mmap_base()
    {
        using var mm = Create();

        var a = Map(mm, 0, 4);
        var b = Map(mm, 0, 2);

        Assert.Equal((long)(MmapBase - (4 * Page)), a);
        Assert.Equal(a - (long)(2 * Page), b);
    }

    [Fact]
    public void The_highest_fitting_hole_is_found_through_the_gap_augmentation()
    {
        // Five separate mappings top-down (alternating prot so they do not merge); free two
        // holes; a 2-page request goes to the highest hole that fits.
        using var mm = Create();
        var addrs = new long[5];
        for (var i = 0; i < 5; i++)
            addrs[i] = mm.Execute(Operation.Mmap(0, 2 * Page, i % 2 == 0 ? Prot.Read : Prot.Exec, MapFlags.Private | MapFlags.Anonymous));
        mm.Execute(Operation.Munmap((ulong)addrs[3], 2 * Page));
        mm.Execute(Operation.Munmap((ulong)addrs[1], Page));

        var c = Map(mm, 0, 2);
        var d = Map(mm, 0, 1);

        Assert.Equal(addrs[3], c);
        Assert.Equal(addrs[1] + (long)Page, d + (long)Page);
        mm.AssertHealthy();
    }

    [Fact]
    public void A_free_hint_is_used_and_a_busy_one_is_not()
    {
        using var mm = Create();

        var a = Map(mm, P(0) + 5, 2);
        var b = Map(mm, P(0), 2);

        Assert.Equal((long)P(1), a);
        Assert.Equal((long)(MmapBase - (2 * Page)), b);
        mm.AssertHealthy();
    }

    [Fact]
    public void Random_fixed_maps_and_unmaps_keep_validate_clean()
    {
        for (var seed = 1; seed <= 4; seed++)
        {
            using var mm = Create();
            var rng = new Random(seed);
            for (var step = 0; step < 400; step++)
            {
                var page = rng.Next(64);
                var pages = 1 + rng.Next(8);
                var prot = rng.Next(2) == 0 ? Prot.Read : Prot.Read | Prot.Write;
                switch (rng.Next(4))
                {
                    case 0:
                        mm.MapFixed(page, pages, prot);
                        break;
                    case 1:
                        mm.Execute(Operation.Munmap(P(page), (ulong)pages * Page));
                        break;
                    case 2:
                        mm.Execute(Operation.Mprotect(P(page), (ulong)pages * Page, prot));
                        break;
                    default:
                        mm.Execute(Operation.Fault(P(page), FaultFlags.Write));
                        break;
                }
                Assert.True(mm.Validate() == 0, $"seed {seed} step {step}: {string.Join("; ", mm.Violations())}");
            }
            Assert.Empty(mm.Violations());
        }
    }
}
