// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>do_mbind / mbind_range: split, merge, the hole check, policy lifetimes.</summary>
public sealed class MbindSpecs
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_of_the_middle_splits_into_three_and_only_the_middle_gets_the_policy(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  AABBBCCC   (B bound)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Ok(mm.Fault(3, FaultFlags.Write), "fault 3");

        Assert.Equal(0, mm.Mbind(2, 3, MpolMode.Bind));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(RW), anon: true),
            Anon(2, 5, PrivAnon(RW), pgoffPage: 2, policy: MpolMode.Bind, populated: 1, anon: true),
            Anon(5, 8, PrivAnon(RW), pgoffPage: 5, anon: true));
        var stats = mm.GetStats();
        Assert.Equal(1UL, stats.LiveMempolicies);
        Assert.Equal(1UL, stats.LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_back_to_default_merges_the_three_pieces_again(string backend, string config)
    {
        // 01234567      01234567      01234567
        // AAAAAAAA  ->  AABBBCCC  ->  AAAAAAAA   (case 6 through mbind)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        var original = mm.At(0).Id;
        Assert.Equal(0, mm.Mbind(2, 3, MpolMode.Interleave));
        Assert.Equal(original, mm.At(2).Id); // split_vma(new_below) then split_vma(above)
        var prev = mm.At(0).Id;

        Assert.Equal(0, mm.Mbind(2, 3, MpolMode.Default));

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW)));
        Assert.Equal(prev, mm.At(0).Id); // case 6: prev absorbs the original and next
        var stats = mm.GetStats();
        Assert.Equal(1UL, stats.LiveVmas);
        Assert.Equal(0UL, stats.LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_of_the_vma_after_a_bound_one_merges_it_into_prev(string backend, string config)
    {
        // 01234567      01234567
        // PPPPXXXX  ->  PPPPPPPP   (P bound; X gets the same mode: case 7)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Preferred));
        Ok(mm.MapAnon(4, 4, RW), "mmap X");
        var prev = mm.At(0).Id;

        Assert.Equal(0, mm.Mbind(4, 4, MpolMode.Preferred));

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW), policy: MpolMode.Preferred));
        Assert.Equal(prev, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_over_a_hole_fails_with_efault_and_changes_nothing(string backend, string config)
    {
        // 0123456789
        // AAAA  BBBB   mbind 2..7 (hole at 4..5)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.MapAnon(6, 4, RW), "mmap B");
        var before = mm.Snapshot();

        Assert.Equal(-Errno.EFAULT, mm.Mbind(2, 6, MpolMode.Bind));
        Assert.Equal(-Errno.EFAULT, mm.Mbind(4, 6, MpolMode.Bind));
        Assert.Equal(-Errno.EFAULT, mm.Mbind(2, 10, MpolMode.Bind));

        Assert.Equal(before, mm.Snapshot());
        mm.AssertLayout(Anon(0, 4, PrivAnon(RW)), Anon(6, 10, PrivAnon(RW), pgoffPage: 6));
        Assert.Equal(0UL, mm.GetStats().LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_default_over_holes_resets_every_vma_of_the_range(string backend, string config)
    {
        // 0123456789AB      0123456789AB
        // AAAA  BBBB    ->  AACC  BBBB     (A, B bound; mbind(2..B, MPOL_DEFAULT); C = A's reset part)
        // 4.16's do_mbind sets MPOL_MF_DISCONTIG_OK for MPOL_DEFAULT: the holes at 4..5 and
        // at A..B are no -EFAULT, and mbind_range walks the VMAs of the range.
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.MapAnon(6, 4, RW), "mmap B");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Bind));
        Assert.Equal(0, mm.Mbind(6, 4, MpolMode.Bind));

        Assert.Equal(0, mm.Mbind(2, 10, MpolMode.Default));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(RW), policy: MpolMode.Bind),
            Anon(2, 4, PrivAnon(RW), pgoffPage: 2),
            Anon(6, 10, PrivAnon(RW), pgoffPage: 6));
        Assert.Equal(1UL, mm.GetStats().LiveMempolicies);
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_default_starting_in_a_hole_fails_with_efault_as_in_4_16(string backend, string config)
    {
        // 0123456789
        // AAAA  BBBB   mbind(4..9, MPOL_DEFAULT): 4.16's mbind_range wants a VMA at start
        // (6.1 would reset B: KnownDifference.MbindDefaultHeadHole in the kernel comparison)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.MapAnon(6, 4, RW), "mmap B");
        Assert.Equal(0, mm.Mbind(6, 4, MpolMode.Interleave));
        var before = mm.Snapshot();

        Assert.Equal(-Errno.EFAULT, mm.Mbind(4, 6, MpolMode.Default));

        Assert.Equal(before, mm.Snapshot());
        Assert.Equal(1UL, mm.GetStats().LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_across_two_different_vmas_splits_each_at_its_own_end(string backend, string config)
    {
        // 01234567      01234567
        // AAAABBBB  ->  AACCDDBB   (A r, B rw; C = A's bound part, D = B's bound part)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(4, 4, RW), "mmap B");

        Assert.Equal(0, mm.Mbind(2, 4, MpolMode.Bind));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(R)),
            Anon(2, 4, PrivAnon(R), pgoffPage: 2, policy: MpolMode.Bind),
            Anon(4, 6, PrivAnon(RW), pgoffPage: 4, policy: MpolMode.Bind),
            Anon(6, 8, PrivAnon(RW), pgoffPage: 6));
        Assert.Equal(2UL, mm.GetStats().LiveMempolicies);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mbind_rejects_bad_arguments_and_changes_nothing(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var before = mm.Snapshot();

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind(P(0), Page, (MpolMode)4)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind(P(0) + 1, Page, MpolMode.Bind)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind(P(0), 0, MpolMode.Bind)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind(P(0), TaskSize + 1, MpolMode.Bind)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind(TaskSize - Page, 2 * Page, MpolMode.Bind)));

        Assert.Equal(before, mm.Snapshot());
        Assert.Equal(0UL, mm.GetStats().LiveMempolicies);
        mm.AssertHealthy();
    }
}
