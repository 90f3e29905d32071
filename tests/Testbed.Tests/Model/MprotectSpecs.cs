// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>mprotect_fixup and the do_mprotect_pkey loop: split, re-merge, holes, accounting.</summary>
public sealed class MprotectSpecs
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_splits_then_mprotect_back_merges_into_one_vma_again(string backend, string config)
    {
        // 01234567      01234567      01234567
        // AAAAAAAA  ->  AAABBCCC  ->  AAAAAAAA
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");
        var original = mm.At(0).Id;

        Assert.Equal(0, mm.Mprotect(3, 2, R));
        mm.AssertLayout(
            Anon(0, 3, PrivAnon(RW), populated: 1, anon: true),
            Anon(3, 5, Vm(R, account: true), pgoffPage: 3, populated: 1, anon: true),
            Anon(5, 8, PrivAnon(RW), pgoffPage: 5, anon: true));
        Assert.Equal(original, mm.At(3).Id); // split_vma(new_below) then split_vma(above)
        var prev = mm.At(0).Id;

        Assert.Equal(0, mm.Mprotect(3, 2, RW));

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW), populated: 2, anon: true));
        Assert.Equal(prev, mm.At(0).Id); // case 6: prev absorbs the original and next
        var stats = mm.GetStats();
        Assert.Equal(1UL, stats.LiveVmas);
        Assert.Equal(1UL, stats.LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_over_a_hole_fails_with_enomem_after_changing_the_vmas_before_it(string backend, string config)
    {
        // 0123456789      0123456789
        // AAAA  BBBB  ->  aaaa  BBBB   -ENOMEM; A already read-write, B untouched
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(6, 4, R), "mmap B");

        Assert.Equal(-Errno.ENOMEM, mm.Mprotect(0, 10, RW));

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RW)),
            Anon(6, 10, PrivAnon(R), pgoffPage: 6));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_starting_in_a_hole_fails_with_enomem_and_changes_nothing(string backend, string config)
    {
        // 0123456789
        // AAAA  BBBB   mprotect 4..9
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(6, 4, R), "mmap B");

        Assert.Equal(-Errno.ENOMEM, mm.Mprotect(4, 6, RW));
        Assert.Equal(-Errno.ENOMEM, mm.Mprotect(20, 2, RW));

        mm.AssertLayout(Anon(0, 4, PrivAnon(R)), Anon(6, 10, PrivAnon(R), pgoffPage: 6));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_across_two_vmas_changes_both_and_merges_what_becomes_equal(string backend, string config)
    {
        // 01234567      01234567
        // AAAABBBB  ->  AACCCCBB   (A r, B rx; pages 2..5 become rw: A's tail is split off,
        //                           then B's head joins it through case 5)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(4, 4, RX), "mmap B");

        Assert.Equal(0, mm.Mprotect(2, 4, RW));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(R)),
            Anon(2, 6, PrivAnon(RW), pgoffPage: 2),
            Anon(6, 8, PrivAnon(RX), pgoffPage: 6));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Making_a_shared_vma_writable_adds_no_account_and_a_private_one_does(string backend, string config)
    {
        // 01234567
        // SSSS PPPP   (S shared anon r, P private r)
        using var mm = Create(backend, config);
        Ok(mm.MapSharedAnon(0, 4, R), "mmap S");
        Ok(mm.MapAnon(5, 4, R), "mmap P");
        var shm = mm.At(0).FileId;

        Assert.Equal(0, mm.Mprotect(0, 4, RW));
        Assert.Equal(0, mm.Mprotect(5, 4, RW));

        mm.AssertLayout(
            Vma(0, 4, Vm(RW, shared: true), 0, shm),
            Anon(5, 9, PrivAnon(RW), pgoffPage: 5));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_to_the_same_protection_changes_nothing(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        var before = mm.Snapshot();

        Assert.Equal(0, mm.Mprotect(2, 2, RW));

        Assert.Equal(before, mm.Snapshot());
        mm.AssertLayout(Anon(0, 8, PrivAnon(RW)));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_rejects_bad_arguments_in_the_documented_order(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var before = mm.Snapshot();

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mprotect(P(0) + 1, Page, R)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mprotect(P(0), Page, (Prot)0x8)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mprotect(P(0), 0, R)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mprotect(P(0), TaskSize + 1, R)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mprotect(TaskSize - Page, 2 * Page, R)));

        Assert.Equal(before, mm.Snapshot());
        mm.AssertHealthy();
    }
}
