// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// Lifecycle events in the exact order docs/model.md gives ("Object ids and events"), each line
/// "op_seq op type object value"; ids count from 1 in allocation order.
/// </summary>
public sealed class LifecycleEventSpecs
{
    private static string[] Drain(IAddressSpace mm) =>
        mm.DrainEvents().Select(e => $"{e.OpSeq} {e.Op} {e.Type} {e.ObjectId} {e.Value}").ToArray();

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void File_mapping_mbind_and_a_middle_munmap_follow_the_4_16_allocation_order(string backend, string config)
    {
        // 01234567      01234567      01234567
        // FFFFFFFF  ->  FFFFFFFF  ->  FF   GGG   -> (close) -> (munmap all)
        //               (bound)
        using var mm = Create(backend, config);
        mm.Trace(true);
        var fd = mm.OpenFile(8);
        Ok(mm.MapFile(0, 8, R, fd, 0), "mmap");
        Assert.Equal(new[]
        {
            "1 FileOpen FileAlloc 1 1",
            "2 Mmap FileGet 1 2",
            "2 Mmap VmaAlloc 2 0",
            "2 Mmap FileGet 1 3",
            "2 Mmap FilePut 1 2",
        }, Drain(mm));

        Assert.Equal(0, mm.Mbind(0, 8, MpolMode.Bind));
        Assert.Equal(new[]
        {
            "3 Mbind MpolAlloc 3 1",
            "3 Mbind MpolAlloc 4 1",
            "3 Mbind MpolPut 3 0",
            "3 Mbind MpolFree 3 0",
        }, Drain(mm));

        Assert.Equal(0, mm.Munmap(2, 3));
        Assert.Equal(new[]
        {
            "4 Munmap VmaAlloc 5 0",
            "4 Munmap MpolAlloc 6 1",
            "4 Munmap FileGet 1 3",
            "4 Munmap VmaAlloc 7 0",
            "4 Munmap MpolAlloc 8 1",
            "4 Munmap FileGet 1 4",
            "4 Munmap FilePut 1 3",
            "4 Munmap MpolPut 8 0",
            "4 Munmap MpolFree 8 0",
            "4 Munmap VmaFree 7 0",
        }, Drain(mm));
        mm.AssertLayout(
            Vma(0, 2, Vm(R), 0, 1, MpolMode.Bind),
            Vma(5, 8, Vm(R), 5, 1, MpolMode.Bind));
        Assert.Equal(new ulong[] { 2, 5 }, mm.Snapshot().Select(v => v.Id));

        Assert.Equal(0, mm.Execute(Operation.FileClose(fd)));
        Assert.Equal(new[] { "5 FileClose FilePut 1 2" }, Drain(mm));

        Assert.Equal(0, mm.Munmap(0, 8));
        Assert.Equal(new[]
        {
            "6 Munmap FilePut 1 1",
            "6 Munmap MpolPut 4 0",
            "6 Munmap MpolFree 4 0",
            "6 Munmap VmaFree 2 0",
            "6 Munmap FilePut 1 0",
            "6 Munmap FileFree 1 0",
            "6 Munmap MpolPut 6 0",
            "6 Munmap MpolFree 6 0",
            "6 Munmap VmaFree 5 0",
        }, Drain(mm));
        mm.AssertLayout();
        var stats = mm.GetStats();
        Assert.Equal((0UL, 0UL, 0UL, 0UL), (stats.LiveVmas, stats.LiveFiles, stats.LiveMempolicies, stats.LiveAnonVmas));
        Assert.Equal(8UL, stats.Allocations);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_write_fault_allocates_the_anon_vma_and_munmap_frees_it_before_the_vma(string backend, string config)
    {
        using var mm = Create(backend, config);
        mm.Trace(true);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Ok(mm.Fault(0), "read fault");
        Ok(mm.Fault(1, FaultFlags.Write), "write fault");
        Ok(mm.Fault(2, FaultFlags.Write), "write fault");
        Assert.Equal(0, mm.Munmap(0, 4));

        Assert.Equal(new[]
        {
            "1 Mmap VmaAlloc 1 0",
            "3 Fault AnonVmaAlloc 2 0",
            "5 Munmap AnonVmaFree 2 0",
            "5 Munmap VmaFree 1 0",
        }, Drain(mm));
        mm.AssertLayout();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Merges_free_the_vmas_they_remove_next_first_and_allocate_nothing(string backend, string config)
    {
        // 0123456789ab      0123456789ab      0123456789ab
        // PPPP    NNNN  ->  PPPPXXXXNNNN  ->  PPPPPPPPPPPP
        //                   (X read-only)     (mprotect rw: case 6, X then N freed)
        using var mm = Create(backend, config);
        mm.Trace(true);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        Ok(mm.MapAnon(4, 4, R), "mmap X");
        Assert.Equal(0, mm.Mprotect(4, 4, RW));
        Ok(mm.MapAnon(12, 4, RW), "mmap after: case 2");

        Assert.Equal(new[]
        {
            "1 Mmap VmaAlloc 1 0",
            "2 Mmap VmaAlloc 2 0",
            "3 Mmap VmaAlloc 3 0",
            "4 Mprotect VmaFree 3 0",
            "4 Mprotect VmaFree 2 0",
        }, Drain(mm));
        mm.AssertLayout(Anon(0, 16, PrivAnon(RW)));
        Assert.Equal(1UL, mm.At(0).Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_shared_anonymous_mapping_allocates_its_shmem_file_after_the_vma(string backend, string config)
    {
        using var mm = Create(backend, config);
        mm.Trace(true);
        Ok(mm.MapSharedAnon(0, 4, RW), "mmap");
        Assert.Equal(0, mm.Mprotect(0, 2, R));
        Assert.Equal(0, mm.Munmap(0, 4));

        Assert.Equal(new[]
        {
            "1 Mmap VmaAlloc 1 0",
            "1 Mmap FileAlloc 2 1",
            "2 Mprotect VmaAlloc 3 0",
            "2 Mprotect FileGet 2 2",
            "3 Munmap FilePut 2 1",
            "3 Munmap VmaFree 1 0",
            "3 Munmap FilePut 2 0",
            "3 Munmap FileFree 2 0",
            "3 Munmap VmaFree 3 0",
        }, Drain(mm));
        mm.AssertLayout();
        Assert.Equal(0UL, mm.GetStats().LiveFiles);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Failed_operations_take_an_op_seq_and_observation_calls_do_not(string backend, string config)
    {
        using var mm = Create(backend, config);
        mm.Trace(true);

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(P(0), 0)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Fault(P(0), (FaultFlags)0x10)));
        Assert.Equal(-Errno.EBADF, mm.Execute(Operation.FileClose(3)));
        _ = mm.Snapshot();
        _ = mm.GetStats();
        _ = mm.Validate();
        Ok(mm.MapAnon(0, 1, RW), "mmap");
        Assert.Equal(mm.Config.VmaRefs ? -Errno.ENOENT : -Errno.EOPNOTSUPP, mm.GetVma(P(5), out _, out _));
        Ok(mm.MapAnon(2, 1, R), "mmap");

        Assert.Equal(new[] { "4 Mmap VmaAlloc 1 0", "6 Mmap VmaAlloc 2 0" }, Drain(mm));
        mm.AssertLayout(Anon(0, 1, PrivAnon(RW)), Anon(2, 3, PrivAnon(R), pgoffPage: 2));
    }
}
