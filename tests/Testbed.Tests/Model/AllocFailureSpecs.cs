// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>The error paths of the mirrored helpers under injected allocation failures.</summary>
public sealed class AllocFailureSpecs
{
    private static string[] Drain(IAddressSpace mm) =>
        mm.DrainEvents().Select(e => $"{e.Op} {e.Type} {e.ObjectId} {e.Value}").ToArray();

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_first_split_leaves_munmap_without_any_change(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");
        var allocations = mm.GetStats().Allocations;
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.Vma, 1));

        Assert.Equal(-Errno.ENOMEM, mm.Munmap(3, 2));

        mm.AssertLayout(Anon(0, 8, PrivAnon(RW), populated: 1, anon: true));
        var stats = mm.GetStats();
        Assert.Equal((allocations, 1UL), (stats.Allocations, stats.InjectedFailures));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_second_split_keeps_the_first_split_and_every_page(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  AAABBBBB   -ENOMEM (the split at 3 stays, nothing unmapped)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.Vma, 2));

        Assert.Equal(-Errno.ENOMEM, mm.Munmap(3, 2));

        mm.AssertLayout(
            Anon(0, 3, PrivAnon(RW), anon: true),
            Anon(3, 8, PrivAnon(RW), pgoffPage: 3, populated: 1, anon: true));
        Assert.Equal(1UL, mm.GetStats().InjectedFailures);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_policy_allocation_fails_mbind_before_anything_changes(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        mm.Trace(true);
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.Mempolicy, 1));

        Assert.Equal(-Errno.ENOMEM, mm.Mbind(2, 2, MpolMode.Bind));

        Assert.Empty(Drain(mm));
        mm.AssertLayout(Anon(0, 8, PrivAnon(RW)));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_anon_vma_allocation_fails_the_write_fault_without_populating(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.AnonVma, 1));

        Assert.Equal(-Errno.ENOMEM, mm.Fault(0, FaultFlags.Write));

        mm.AssertLayout(Anon(0, 4, PrivAnon(RW)));
        var stats = mm.GetStats();
        Assert.Equal((0UL, 0UL, 1UL), (stats.Segv, stats.LiveAnonVmas, stats.InjectedFailures));
        Assert.Equal(1, mm.Fault(0, FaultFlags.Write));
        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_shmem_file_allocation_frees_the_new_vma_again(string backend, string config)
    {
        using var mm = Create(backend, config);
        mm.Trace(true);
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.File, 1));

        Assert.Equal(-Errno.ENOMEM, mm.MapSharedAnon(0, 4, RW));

        Assert.Equal(new[] { "Mmap VmaAlloc 1 0", "Mmap VmaFree 1 0" }, Drain(mm));
        mm.AssertLayout();
        var stats = mm.GetStats();
        Assert.Equal((0UL, 0UL, 1UL), (stats.LiveVmas, stats.LiveFiles, stats.Allocations));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void An_injected_failure_takes_no_id_and_the_operation_fails_cleanly(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 1, R), "mmap 0");
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.Vma, 1));

        Assert.Equal(-Errno.ENOMEM, mm.MapAnon(4, 1, R));
        Ok(mm.MapAnon(8, 1, R), "mmap 8");

        var s = mm.GetStats();
        Assert.Equal((2UL, 1UL), (s.Allocations, s.InjectedFailures));
        Assert.Equal(2UL, mm.At(8).Id);
        // 7..9 read-exec, then a munmap that must split it fails at its first allocation
        Ok(mm.MapAnon(7, 3, RX), "mmap 7..9");
        Assert.Equal(0, mm.InjectAllocFailure(CacheKind.Any, 1));
        Assert.Equal(-Errno.ENOMEM, mm.Munmap(7, 2));
        mm.AssertHealthy();
    }
}
