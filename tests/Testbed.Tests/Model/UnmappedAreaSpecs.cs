// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// get_unmapped_area, top-down below mmap_base (unmapped_area_topdown), and the hint.
/// Pictures count pages down from mmap_base: `|` is mmap_base, each char one page below it.
/// </summary>
public sealed class UnmappedAreaSpecs
{
    private const MapFlags PA = MapFlags.Private | MapFlags.Anonymous;

    private static long Map(IAddressSpace mm, ulong hint, int pages, Prot prot) =>
        mm.Execute(Operation.Mmap(hint, Pages(pages), prot, PA));

    private static ulong Below(int pages) => MmapBase - Pages(pages);

    private static string At(ulong start, int pages, Prot prot) =>
        Describe(new VmaInfo(0, start, start + Pages(pages), start >> 12, PrivAnon(prot), 0, 0, MpolMode.Default, 0, 0, false, true, 0));

    private static void AssertTopLayout(IAddressSpace mm, params string[] expected)
    {
        Assert.Equal(string.Join('\n', expected), string.Join('\n', mm.Snapshot().Select(Describe)));
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_first_mapping_ends_at_mmap_base_and_the_next_lands_just_below_it(string backend, string config)
    {
        //         BBBBAAAA|
        using var mm = Create(backend, config);

        Assert.Equal((long)Below(4), Map(mm, 0, 4, R));
        Assert.Equal((long)Below(8), Map(mm, 0, 4, RW));

        AssertTopLayout(mm, At(Below(8), 4, RW), At(Below(4), 4, R));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_freed_gap_is_reused_when_the_request_fits_and_skipped_when_it_does_not(string backend, string config)
    {
        //     CCCC    AAAA|   (B unmapped)
        //     CCCCDDEEAAAA|   2 + 2 pages fill the gap top-down (D and E merge)
        // FFFFFCCCC...        5 pages do not fit: below C
        using var mm = Create(backend, config);
        Assert.Equal((long)Below(4), Map(mm, 0, 4, R));
        Assert.Equal((long)Below(8), Map(mm, 0, 4, RW));
        Assert.Equal((long)Below(12), Map(mm, 0, 4, R));
        Assert.Equal(0, mm.Execute(Operation.Munmap(Below(8), Pages(4))));

        Assert.Equal((long)Below(17), Map(mm, 0, 5, RX));
        Assert.Equal((long)Below(6), Map(mm, 0, 2, RW));
        Assert.Equal((long)Below(8), Map(mm, 0, 2, RW));

        AssertTopLayout(mm,
            At(Below(17), 5, RX),
            At(Below(12), 4, R),
            At(Below(8), 4, RW),
            At(Below(4), 4, R));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_free_hint_is_honoured_after_page_alignment(string backend, string config)
    {
        using var mm = Create(backend, config);

        Assert.Equal((long)P(100), Map(mm, P(100), 4, RW));
        Assert.Equal((long)P(201), Map(mm, P(200) + 5, 4, R));
        Assert.Equal(0x7f8000000000L, Map(mm, 0x7f8000000000, 4, RX));

        AssertTopLayout(mm, At(P(100), 4, RW), At(P(201), 4, R), At(0x7f8000000000, 4, RX));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_taken_too_low_or_too_high_hint_is_ignored_for_the_top_down_search(string backend, string config)
    {
        using var mm = Create(backend, config);
        Assert.Equal((long)P(100), Map(mm, P(100), 4, RW));

        Assert.Equal((long)Below(4), Map(mm, P(102), 4, R));
        Assert.Equal((long)Below(8), Map(mm, 0x1000, 4, RW));
        Assert.Equal((long)Below(12), Map(mm, TaskSize - Pages(2), 4, R));

        AssertTopLayout(mm,
            At(P(100), 4, RW),
            At(Below(12), 4, R),
            At(Below(8), 4, RW),
            At(Below(4), 4, R));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void When_nothing_fits_below_mmap_base_mmap_fails_with_enomem(string backend, string config)
    {
        // A fixed mapping covering [mmap_min_addr, mmap_base) leaves no gap below mmap_base.
        using var mm = Create(backend, config);
        const ulong min = 0x10000;
        Assert.Equal((long)min, mm.Execute(Operation.Mmap(min, MmapBase - min, R, PA | MapFlags.Fixed)));

        Assert.Equal(-Errno.ENOMEM, Map(mm, 0, 1, RW));

        Assert.Single(mm.Snapshot());
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_highest_fitting_hole_is_found_through_the_gap_augmentation(string backend, string config)
    {
        // Five separate mappings top-down (alternating prot so they do not merge); free two
        // holes; a 2-page request goes to the highest hole that fits.
        using var mm = Create(backend, config);
        var addrs = new long[5];
        for (var i = 0; i < 5; i++)
            addrs[i] = Map(mm, 0, 2, i % 2 == 0 ? R : Prot.Exec);
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)addrs[3], Pages(2))));
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)addrs[1], Page)));

        var c = Map(mm, 0, 2, R);
        var d = Map(mm, 0, 1, R);

        Assert.Equal(addrs[3], c);
        Assert.Equal(addrs[1], d);
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Random_fixed_maps_and_unmaps_keep_validate_clean(string backend, string config)
    {
        for (var seed = 1; seed <= 4; seed++)
        {
            using var mm = Create(backend, config);
            var rng = new Random(seed);
            for (var step = 0; step < 400; step++)
            {
                var page = rng.Next(64);
                var pages = 1 + rng.Next(8);
                var prot = rng.Next(2) == 0 ? R : RW;
                _ = rng.Next(4) switch
                {
                    0 => mm.MapAnon(page, pages, prot),
                    1 => mm.Munmap(page, pages),
                    2 => mm.Mprotect(page, pages, prot),
                    _ => mm.Fault(page, FaultFlags.Write),
                };
                Assert.True(mm.Validate() == 0, $"{backend}/{config} seed {seed} step {step}: {string.Join("; ", mm.Violations())}");
            }
            Assert.Empty(mm.Violations());
        }
    }
}
