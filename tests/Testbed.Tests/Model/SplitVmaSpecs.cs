// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// __split_vma at the start, the end and the middle of a VMA, reached through munmap
/// (do_munmap: lower split keeps the original below, upper split puts the new one below)
/// and mprotect (mprotect_fixup: split below at start, then above at end).
/// Pages 0 and 6 are write-faulted first, so every piece shows where its pages went.
/// </summary>
public sealed class SplitVmaSpecs
{
    private static IAddressSpace Faulted(string backend, string config, out ulong id)
    {
        // 01234567
        // AAAAAAAA   (pages 0 and 6 populated, one anon_vma)
        var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Ok(mm.Fault(6, FaultFlags.Write), "fault 6");
        mm.AssertLayout(Anon(0, 8, PrivAnon(RW), populated: 2, anon: true));
        id = mm.At(0).Id;
        return mm;
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_of_the_head_splits_at_the_start_and_the_tail_keeps_the_original_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->    AAAAAA
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Munmap(0, 2));

        mm.AssertLayout(Anon(2, 8, PrivAnon(RW), pgoffPage: 2, populated: 1, anon: true));
        Assert.Equal(id, mm.At(2).Id);
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_of_the_tail_splits_at_the_end_and_the_head_keeps_the_original_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  AAAAAA
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Munmap(6, 2));

        mm.AssertLayout(Anon(0, 6, PrivAnon(RW), populated: 1, anon: true));
        Assert.Equal(id, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().PopulatedPages);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Munmap_of_the_middle_splits_twice_and_both_halves_share_the_anon_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  AAA  BBB
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Munmap(3, 2));

        mm.AssertLayout(
            Anon(0, 3, PrivAnon(RW), populated: 1, anon: true),
            Anon(5, 8, PrivAnon(RW), pgoffPage: 5, populated: 1, anon: true));
        Assert.Equal(id, mm.At(0).Id);
        Assert.True(mm.At(5).Id > id);
        var stats = mm.GetStats();
        Assert.Equal(2UL, stats.LiveVmas);
        Assert.Equal(1UL, stats.LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_of_the_head_splits_at_the_start_and_the_head_keeps_the_original_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  aaBBBBBB   (a: read-only, still accounted)
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Mprotect(0, 2, R));

        mm.AssertLayout(
            Anon(0, 2, Vm(R, account: true), populated: 1, anon: true),
            Anon(2, 8, PrivAnon(RW), pgoffPage: 2, populated: 1, anon: true));
        Assert.Equal(id, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_of_the_tail_splits_at_the_end_and_the_tail_keeps_the_original_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  BBBBBBaa
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Mprotect(6, 2, R));

        mm.AssertLayout(
            Anon(0, 6, PrivAnon(RW), populated: 1, anon: true),
            Anon(6, 8, Vm(R, account: true), pgoffPage: 6, populated: 1, anon: true));
        Assert.Equal(id, mm.At(6).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mprotect_of_the_middle_splits_twice_and_the_middle_keeps_the_original_vma(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  BBBaaCCC
        using var mm = Faulted(backend, config, out var id);

        Assert.Equal(0, mm.Mprotect(3, 2, R));

        mm.AssertLayout(
            Anon(0, 3, PrivAnon(RW), populated: 1, anon: true),
            Anon(3, 5, Vm(R, account: true), pgoffPage: 3, anon: true),
            Anon(5, 8, PrivAnon(RW), pgoffPage: 5, populated: 1, anon: true));
        Assert.Equal(id, mm.At(3).Id);
        Assert.Equal(3UL, mm.GetStats().LiveVmas);
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_split_file_vma_advances_the_pgoff_of_the_upper_half_and_takes_a_file_reference(string backend, string config)
    {
        // 01234567      01234567
        // FFFFFFFF  ->  FFF  GGG   (file pages 10..17; G maps file pages 15..17)
        using var mm = Create(backend, config);
        var fd = mm.OpenFile(32);
        Ok(mm.MapFile(0, 8, R, fd, 10), "mmap file");
        var file = mm.At(0).FileId;
        Assert.Equal(1UL, file);

        Assert.Equal(0, mm.Munmap(3, 2));

        mm.AssertLayout(
            Vma(0, 3, Vm(R), 10, file),
            Vma(5, 8, Vm(R), 15, file));
        Assert.Equal(1UL, mm.GetStats().LiveFiles);
    }
}
