// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>do_munmap: partial unmaps at either end, in the middle, across several VMAs and holes.</summary>
public sealed class MunmapSpecs
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_spanning_three_vmas_trims_the_outer_two_and_drops_the_middle_one(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // AAAABBBBCCCC  ->  AA        CC   (every page populated before)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(4, 4, RW), "mmap B");
        Ok(mm.MapAnon(8, 4, RX), "mmap C");
        for (var p = 0; p < 12; p++)
            Ok(mm.Fault(p), $"fault {p}");
        var a = mm.At(0).Id;
        var c = mm.At(8).Id;

        Assert.Equal(0, mm.Munmap(2, 8));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(R), populated: 2),
            Anon(10, 12, PrivAnon(RX), pgoffPage: 10, populated: 2));
        Assert.Equal(a, mm.At(0).Id);
        Assert.Equal(c, mm.At(10).Id);
        Assert.Equal(2UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_over_holes_removes_only_what_is_mapped(string backend, string config)
    {
        // 0123456789      0123456789
        // AA  BB  CC  ->  A        C
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 2, RW), "mmap A");
        Ok(mm.MapAnon(4, 2, R), "mmap B");
        Ok(mm.MapAnon(8, 2, RW), "mmap C");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Ok(mm.Fault(9, FaultFlags.Write), "fault 9");

        Assert.Equal(0, mm.Munmap(1, 8));

        mm.AssertLayout(
            Anon(0, 1, PrivAnon(RW), populated: 1, anon: true),
            Anon(9, 10, PrivAnon(RW), pgoffPage: 9, populated: 1, anon: true));
        Assert.Equal(2UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_of_a_range_with_nothing_mapped_succeeds_and_changes_nothing(string backend, string config)
    {
        // 0123456789
        // AA      BB   munmap 3..6: nothing there
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 2, RW), "mmap A");
        Ok(mm.MapAnon(8, 2, R), "mmap B");
        var before = mm.Snapshot();

        Assert.Equal(0, mm.Munmap(3, 4));

        Assert.Equal(before, mm.Snapshot());
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_of_everything_frees_every_object_and_zaps_every_page(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Ok(mm.Fault(1, FaultFlags.Write), "fault 1");
        Assert.Equal(0, mm.Mbind(2, 2, MpolMode.Preferred));

        Assert.Equal(0, mm.Munmap(0, 4));

        mm.AssertLayout();
        var stats = mm.GetStats();
        Assert.Equal(0UL, stats.LiveVmas);
        Assert.Equal(0UL, stats.LiveAnonVmas);
        Assert.Equal(0UL, stats.LiveMempolicies);
        Assert.Equal(0UL, stats.PopulatedPages);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_rejects_bad_ranges_before_looking_at_the_mm(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var before = mm.Snapshot();

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(P(0) + 1, Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(P(0), 0)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(TaskSize + Page, Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(TaskSize - Page, 2 * Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(TaskSize - Page, Page + 1)));

        Assert.Equal(before, mm.Snapshot());
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_with_an_unaligned_length_rounds_it_up_to_whole_pages(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->    AAAAAA   (length one page plus one byte: two pages)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");

        Assert.Equal(0, mm.Execute(Operation.Munmap(P(0), Page + 1)));

        mm.AssertLayout(Anon(2, 8, PrivAnon(RW), pgoffPage: 2));
    }

    /// <summary>A part to unmap from a fully populated 8-page VMA, and the layout left.</summary>
    public static IEnumerable<object[]> PartialUnmaps => AllWith(
        [0, 2, "2-8"],
        [6, 2, "0-6"],
        [3, 2, "0-3 5-8"],
        [0, 8, ""]);

    [Theory, MemberData(nameof(PartialUnmaps))]
    public void Munmap_of_part_of_a_populated_vma_splits_it_and_zaps_exactly_the_unmapped_pages(string backend, string config,
        int page, int pages, string layout)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        for (var i = 0; i < 8; i++)
            Ok(mm.Fault(i, FaultFlags.Write), $"fault {i}");

        Assert.Equal(0, mm.Munmap(page, pages));

        Assert.Equal(layout, mm.Layout());
        Assert.Equal((ulong)(8 - pages), mm.GetStats().PopulatedPages);
        mm.AssertHealthy();
    }
}
