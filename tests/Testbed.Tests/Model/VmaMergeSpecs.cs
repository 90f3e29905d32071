// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The eight vma_merge cases of the 4.16 comment (P = prev, N = next, X = the VMA mprotect
/// or mbind changes, A = the new range), and the requests that must not merge.
/// </summary>
public sealed class VmaMergeSpecs
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_1_mmap_between_two_compatible_vmas_joins_all_three_into_prev(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPP    NNNN  ->  PPPPPPPPPPPP
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        var prev = mm.At(0).Id;

        Ok(mm.MapAnon(4, 4, RW), "mmap A");

        mm.AssertLayout(Anon(0, 12, PrivAnon(RW)));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_2_mmap_right_after_prev_extends_prev(string backend, string config)
    {
        // 01234567      01234567
        // PPPP      ->  PPPPPPPP
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        var prev = mm.At(0).Id;

        Ok(mm.MapAnon(4, 4, RW), "mmap A");

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW)));
        Assert.Equal(prev, mm.At(0).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_3_mmap_right_before_next_extends_next_down_and_lowers_its_pgoff(string backend, string config)
    {
        // 01234567      01234567
        //     NNNN  ->  NNNNNNNN
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(4, 4, RW), "mmap N");
        var next = mm.At(4).Id;

        Ok(mm.MapAnon(0, 4, RW), "mmap A");

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW)));
        Assert.Equal(next, mm.At(0).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_4_mprotect_of_the_tail_of_prev_moves_the_boundary_down_into_next(string backend, string config)
    {
        // 01234567      01234567
        // PPPPNNNN  ->  PPNNNNNN   (P read-only, N read-write; pages 2..3 made read-write)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap P");
        Ok(mm.MapAnon(4, 4, RW), "mmap N");
        Ok(mm.Fault(2), "fault 2");
        var prev = mm.At(0).Id;
        var next = mm.At(4).Id;

        Assert.Equal(0, mm.Mprotect(2, 2, RW));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(R)),
            Anon(2, 8, PrivAnon(RW), pgoffPage: 2, populated: 1));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(next, mm.At(2).Id);
        Assert.Equal(2UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_5_mprotect_of_the_head_of_next_moves_the_boundary_up_into_it(string backend, string config)
    {
        // 01234567      01234567
        // PPPPNNNN  ->  PPPPPPNN   (P read-write, N read-only; pages 4..5 made read-write)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(4, 4, R), "mmap N");
        var prev = mm.At(0).Id;
        var next = mm.At(4).Id;

        Assert.Equal(0, mm.Mprotect(4, 2, RW));

        mm.AssertLayout(
            Anon(0, 6, PrivAnon(RW)),
            Anon(6, 8, PrivAnon(R), pgoffPage: 6));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(next, mm.At(6).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_6_mprotect_of_the_whole_middle_vma_joins_prev_x_and_next(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPPXXXXNNNN  ->  PPPPPPPPPPPP
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(4, 4, R), "mmap X");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        Ok(mm.Fault(5), "fault 5");
        Ok(mm.Fault(9), "fault 9");
        var prev = mm.At(0).Id;

        Assert.Equal(0, mm.Mprotect(4, 4, RW));

        mm.AssertLayout(Anon(0, 12, PrivAnon(RW), populated: 2));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_7_mprotect_of_the_whole_vma_after_prev_joins_it_into_prev(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPPXXXXNNNN  ->  PPPPPPPPNNNN   (N read-exec stays apart)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(4, 4, R), "mmap X");
        Ok(mm.MapAnon(8, 4, RX), "mmap N");
        var prev = mm.At(0).Id;
        var next = mm.At(8).Id;

        Assert.Equal(0, mm.Mprotect(4, 4, RW));

        mm.AssertLayout(
            Anon(0, 8, PrivAnon(RW)),
            Anon(8, 12, PrivAnon(RX), pgoffPage: 8));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(next, mm.At(8).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_8_mprotect_of_the_whole_vma_before_next_joins_it_into_next(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPPXXXXNNNN  ->  PPPPNNNNNNNN   (P read-exec stays apart; N grows down)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RX), "mmap P");
        Ok(mm.MapAnon(4, 4, R), "mmap X");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        Ok(mm.Fault(4), "fault 4");
        var next = mm.At(8).Id;

        Assert.Equal(0, mm.Mprotect(4, 4, RW));

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RX)),
            Anon(4, 12, PrivAnon(RW), pgoffPage: 4, populated: 1));
        Assert.Equal(next, mm.At(4).Id);
        Assert.Equal(2UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_8_through_mbind_joins_the_middle_vma_into_next_which_already_has_the_policy(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPPXXXXNNNN  ->  PPPPNNNNNNNN   (X interleave -> bind, N bind)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 12, RW), "mmap");
        Assert.Equal(0, mm.Mbind(4, 4, MpolMode.Interleave));
        Assert.Equal(0, mm.Mbind(8, 4, MpolMode.Bind));
        var next = mm.At(8).Id;

        Assert.Equal(0, mm.Mbind(4, 4, MpolMode.Bind));

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RW)),
            Anon(4, 12, PrivAnon(RW), pgoffPage: 4, policy: MpolMode.Bind));
        Assert.Equal(next, mm.At(4).Id);
        Assert.Equal(1UL, mm.GetStats().LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Different_flags_do_not_merge(string backend, string config)
    {
        // 01234567
        // PPPPAAAA   (P read-write, A read-only)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");

        Ok(mm.MapAnon(4, 4, R), "mmap A");

        mm.AssertLayout(Anon(0, 4, PrivAnon(RW)), Anon(4, 8, PrivAnon(R), pgoffPage: 4));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void File_mappings_merge_only_when_the_file_pgoff_is_contiguous(string backend, string config)
    {
        // 0123456789ab
        // FFFFGGGG       F = file pages 0..3, G = file pages 8..11: not contiguous, no merge
        // FFFFGGGGGGGG   then file pages 12..15 at page 8 extend G (case 2)
        using var mm = Create(backend, config);
        var fd = mm.OpenFile(16);
        Ok(mm.MapFile(0, 4, R, fd, 0), "mmap F");
        var file = mm.At(0).FileId;

        Ok(mm.MapFile(4, 4, R, fd, 8), "mmap G");
        mm.AssertLayout(Vma(0, 4, Vm(R), 0, file), Vma(4, 8, Vm(R), 8, file));

        Ok(mm.MapFile(8, 4, R, fd, 12), "mmap contiguous after G");
        mm.AssertLayout(Vma(0, 4, Vm(R), 0, file), Vma(4, 12, Vm(R), 8, file));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mappings_of_different_files_do_not_merge(string backend, string config)
    {
        // 01234567
        // FFFFGGGG   (F file a 0..3, G file b 4..7)
        using var mm = Create(backend, config);
        var a = mm.OpenFile(8);
        var b = mm.OpenFile(8);
        Ok(mm.MapFile(0, 4, R, a, 0), "mmap a");

        Ok(mm.MapFile(4, 4, R, b, 4), "mmap b");

        var snap = mm.Snapshot();
        mm.AssertLayout(Vma(0, 4, Vm(R), 0, snap[0].FileId), Vma(4, 8, Vm(R), 4, snap[1].FileId));
        Assert.NotEqual(snap[0].FileId, snap[1].FileId);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Shared_anonymous_mappings_never_merge_each_gets_its_own_shmem_file(string backend, string config)
    {
        // 01234567
        // SSSSTTTT
        using var mm = Create(backend, config);
        Ok(mm.MapSharedAnon(0, 4, RW), "mmap S");

        Ok(mm.MapSharedAnon(4, 4, RW), "mmap T");

        var snap = mm.Snapshot();
        mm.AssertLayout(
            Vma(0, 4, Vm(RW, shared: true), 0, snap[0].FileId),
            Vma(4, 8, Vm(RW, shared: true), 0, snap[1].FileId));
        Assert.NotEqual(0UL, snap[0].FileId);
        Assert.NotEqual(snap[0].FileId, snap[1].FileId);
        Assert.Equal(2UL, mm.GetStats().LiveFiles);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Prev_and_next_with_different_anon_vmas_are_not_joined_by_case_1(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // PPPP    NNNN  ->  PPPPPPPPNNNN   (P and N each write-faulted: two anon_vmas;
        //                                   A joins P (case 2), N stays apart)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Ok(mm.Fault(8, FaultFlags.Write), "fault 8");
        Assert.Equal(2UL, mm.GetStats().LiveAnonVmas);

        Ok(mm.MapAnon(4, 4, RW), "mmap A");

        mm.AssertLayout(
            Anon(0, 8, PrivAnon(RW), populated: 1, anon: true),
            Anon(8, 12, PrivAnon(RW), pgoffPage: 8, populated: 1, anon: true));
        Assert.Equal(2UL, mm.GetStats().LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_vma_with_an_anon_vma_does_not_merge_into_a_neighbour_without_one(string backend, string config)
    {
        // 01234567
        // PPPPXXXX   P: rw then mprotect r (accounted, no anon_vma); X rw, write-faulted.
        // mprotect X read-only: same flags as P, but is_mergeable_anon_vma(X's, NULL, P)
        // is false (P's anon_vma_chain is empty, not singular), so the two stay apart.
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Assert.Equal(0, mm.Mprotect(0, 4, R));
        Ok(mm.MapAnon(4, 4, RW), "mmap X");
        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");

        Assert.Equal(0, mm.Mprotect(4, 4, R));

        mm.AssertLayout(
            Anon(0, 4, Vm(R, account: true)),
            Anon(4, 8, Vm(R, account: true), pgoffPage: 4, populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_vma_without_an_anon_vma_merges_into_a_prev_that_has_one(string backend, string config)
    {
        // 01234567      01234567
        // PPPPXXXX  ->  PPPPPPPP   (P rw write-faulted; X r, mprotect rw: case 7)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Ok(mm.MapAnon(4, 4, R), "mmap X");

        Assert.Equal(0, mm.Mprotect(4, 4, RW));

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW), populated: 1, anon: true));
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_new_mapping_does_not_merge_with_a_neighbour_that_has_a_policy(string backend, string config)
    {
        // 01234567
        // PPPPAAAA   (P bound, A default policy)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Bind));

        Ok(mm.MapAnon(4, 4, RW), "mmap A");

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RW), policy: MpolMode.Bind),
            Anon(4, 8, PrivAnon(RW), pgoffPage: 4));
    }
}
