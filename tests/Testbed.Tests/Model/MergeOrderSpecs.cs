// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Testbed.Managed;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The mmap merge order (tb_mm_create's TB_MM_MMAP_MERGE_NEXT_FIRST, MmFlags.MmapMergeNextFirst):
/// 4.16's vma_merge tries prev first, 6.1's mmap_region next first (vma_expand), and then
/// accepts prev only if it can share next's anon_vma. Each case runs in both orders.
/// </summary>
public sealed class MergeOrderSpecs
{
    private const MmFlags NextFirst = MmFlags.MmapMergeNextFirst;

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_mapping_between_an_unwritten_prev_and_a_written_next_joins_all_three_in_4_16_and_next_in_6_1(string backend, string config)
    {
        // 01234      01234 (4.16)   01234 (6.1)
        // PP NN  ->  AAAAA          PPNNN        (N written; the new page is 2)
        foreach (var (flags, expected) in new[] { (MmFlags.None, new[] { (0L, 5L) }), (NextFirst, [(0L, 2L), (2L, 5L)]) })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 2, RW), "mmap P");
            Ok(mm.MapAnon(3, 2, RW), "mmap N");
            Ok(mm.Fault(3, FaultFlags.Write), "write N");

            Ok(mm.MapAnon(2, 1, RW), "mmap between");

            Assert.Equal(expected, Extents(mm));
            Assert.All(mm.Snapshot(), v => Assert.Equal(v.End > P(2), v.HasAnonVma));
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_mapping_between_two_written_neighbours_joins_prev_in_4_16_and_next_in_6_1(string backend, string config)
    {
        foreach (var (flags, expected) in new[] { (MmFlags.None, new[] { (0L, 3L), (3L, 5L) }), (NextFirst, [(0L, 2L), (2L, 5L)]) })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 2, RW), "mmap P");
            Ok(mm.Fault(0, FaultFlags.Write), "write P");
            Ok(mm.MapAnon(3, 2, RW), "mmap N");
            Ok(mm.Fault(3, FaultFlags.Write), "write N");

            Ok(mm.MapAnon(2, 1, RW), "mmap between");

            Assert.Equal(expected, Extents(mm));
            Assert.Equal(2UL, mm.GetStats().LiveAnonVmas);
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void An_unwritten_next_merges_all_three_in_both_orders(string backend, string config)
    {
        foreach (var flags in new[] { MmFlags.None, NextFirst })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 2, RW), "mmap P");
            Ok(mm.Fault(0, FaultFlags.Write), "write P");
            Ok(mm.MapAnon(3, 2, RW), "mmap N");

            Ok(mm.MapAnon(2, 1, RW), "mmap between");

            Assert.Equal([(0L, 5L)], Extents(mm));
            Assert.True(mm.At(0).HasAnonVma);
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_map_fixed_that_cuts_both_written_neighbours_joins_the_piece_of_next_in_6_1(string backend, string config)
    {
        // 012345678      012345678 (4.16)   012345678 (6.1)
        // PPPPXNNNN  ->  PPPPPPPNN          PPNNNNNNN   (MAP_FIXED rw over 2..6; X read-only)
        foreach (var (flags, expected) in new[] { (MmFlags.None, new[] { (0L, 7L), (7L, 9L) }), (NextFirst, [(0L, 2L), (2L, 9L)]) })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 4, RW), "mmap P");
            Ok(mm.Fault(0, FaultFlags.Write), "write P");
            Ok(mm.MapAnon(4, 1, R), "mmap X");
            Ok(mm.MapAnon(5, 4, RW), "mmap N");
            Ok(mm.Fault(8, FaultFlags.Write), "write N");

            Ok(mm.MapAnon(2, 5, RW), "mmap over the middle");

            Assert.Equal(expected, Extents(mm));
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_private_file_mapping_before_a_written_one_joins_it_in_6_1(string backend, string config)
    {
        // file pages 0..4 mapped linearly at 0..4: [0,2) unwritten, [3,5) written (COW), then [2,3)
        foreach (var (flags, expected) in new[] { (MmFlags.None, new[] { (0L, 5L) }), (NextFirst, [(0L, 2L), (2L, 5L)]) })
        {
            using var mm = Create(backend, config, flags);
            var fd = mm.OpenFile(8);
            Ok(mm.MapFile(0, 2, RW, fd, 0), "mmap P");
            Ok(mm.MapFile(3, 2, RW, fd, 3), "mmap N");
            Ok(mm.Fault(4, FaultFlags.Write), "write N");

            Ok(mm.MapFile(2, 1, RW, fd, 2), "mmap between");

            Assert.Equal(expected, Extents(mm));
            Assert.All(mm.Snapshot(), v => Assert.Equal(v.PgOff, (ulong)PageOf(v.Start)));
            mm.AssertHealthy();
        }
    }

    [Fact]
    public void The_merge_order_flag_is_refused_where_there_is_no_mmap_region()
    {
        Assert.Throws<ArgumentException>(() => new ManagedAddressSpace("nommu", null, NextFirst));
        Assert.Throws<ArgumentException>(() => new ManagedAddressSpace("mmu-spf", null, (MmFlags)0x4));
        Assert.ThrowsAny<TestbedErrnoException>(() => new NativeAddressSpace("nommu", NextFirst));
        Assert.ThrowsAny<TestbedErrnoException>(() => new NativeAddressSpace("mmu-spf", (MmFlags)0x4));
    }

    private static List<(long, long)> Extents(IAddressSpace mm) =>
        [.. mm.Snapshot().Select(v => (PageOf(v.Start), PageOf(v.End)))];
}
