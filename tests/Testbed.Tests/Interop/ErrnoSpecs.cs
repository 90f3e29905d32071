// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using Testbed.Interop;
using static Testbed.Contract.Errno;

namespace Testbed.Tests.Interop;

/// <summary>Bad input through every entry point: the documented negative errno, and typed exceptions from the wrapper.</summary>
public abstract unsafe class ErrnoSpecs<TApi> where TApi : struct, ITestbedApi
{
    private const ulong TaskSize = 0x7ffffffff000;
    private const ulong Page = 4096;
    private const ulong Base = 0x10000000;
    private const MapFlags AnonPrivate = MapFlags.Private | MapFlags.Anonymous;
    private const Prot Rw = Prot.Read | Prot.Write;

    protected ErrnoSpecs() => NativeTestEnvironment.RequireLibrary(TApi.ConfigName);

    [Fact]
    public void Every_mm_entry_point_rejects_a_null_handle_with_EBADF() =>
        AssertAllBadHandle(new TbMm(0));

    [Fact]
    public void Every_mm_entry_point_rejects_a_destroyed_handle_with_EBADF()
    {
        // Arrange
        TbMm mm;
        Assert.Equal(0, TApi.MmCreate(0, &mm));
        Assert.Equal(0, TApi.MmDestroy(mm));

        // Act / Assert
        AssertAllBadHandle(mm);
    }

    [Fact]
    public void Mmap_rejects_bad_arguments_in_the_documented_order()
    {
        // Arrange
        using var mm = NativeMm<TApi>.Create();

        // Act / Assert
        Assert.Equal<long>(-EINVAL, mm.TryMmap(0, Page, Rw, AnonPrivate | (MapFlags)0x40));
        Assert.Equal<long>(-EINVAL, mm.TryMmap(0, Page, (Prot)0x8, AnonPrivate));
        Assert.Equal<long>(-EINVAL, mm.TryMmap(0, 0, Rw, AnonPrivate));
        Assert.Equal<long>(-EINVAL, mm.TryMmap(0, Page, Rw, MapFlags.Anonymous));
        Assert.Equal<long>(-EINVAL, mm.TryMmap(0, Page, Rw, AnonPrivate | MapFlags.Shared));
        Assert.Equal<long>(-EINVAL, mm.TryMmap(Base + 1, Page, Rw, AnonPrivate | MapFlags.Fixed));
        Assert.Equal<long>(-ENOMEM, mm.TryMmap(0, ulong.MaxValue, Rw, AnonPrivate));
        Assert.Equal<long>(-ENOMEM, mm.TryMmap(0, TaskSize + Page, Rw, AnonPrivate));
        Assert.Equal<long>(-EOVERFLOW, mm.TryMmap(0, Page, Rw, MapFlags.Private, 0, ulong.MaxValue));
        Assert.Equal<long>(-EBADF, mm.TryMmap(0, Page, Rw, MapFlags.Private, 7, 0));
        Assert.Equal<long>(-ENOMEM, mm.TryMmap(TaskSize, Page, Rw, AnonPrivate | MapFlags.Fixed));
        Assert.Equal<long>(-EPERM, mm.TryMmap(0x1000, Page, Rw, AnonPrivate | MapFlags.Fixed));
        Assert.Equal(0ul, mm.Stats().MapCount);
    }

    [Fact]
    public void Munmap_mprotect_and_mbind_reject_unaligned_empty_and_overflowing_ranges()
    {
        // Arrange
        using var mm = NativeMm<TApi>.Create();
        mm.Mmap(Base, 4 * Page, Rw, AnonPrivate | MapFlags.Fixed);
        var before = mm.Snapshot();

        // Act / Assert
        Assert.Equal<long>(-EINVAL, mm.TryMunmap(Base + 1, Page));
        Assert.Equal<long>(-EINVAL, mm.TryMunmap(Base, 0));
        Assert.Equal<long>(-EINVAL, mm.TryMunmap(TaskSize + Page, Page));
        Assert.Equal<long>(-EINVAL, mm.TryMunmap(Base, ulong.MaxValue));
        Assert.Equal<long>(-EINVAL, mm.TryMprotect(Base + 1, Page, Prot.Read));
        Assert.Equal<long>(-EINVAL, mm.TryMprotect(Base, Page, (Prot)0x8));
        Assert.Equal<long>(-EINVAL, mm.TryMprotect(Base, 0, Prot.Read));
        Assert.Equal<long>(-ENOMEM, mm.TryMprotect(Base, ulong.MaxValue - Base, Prot.Read));
        Assert.Equal<long>(-ENOMEM, mm.TryMprotect(TaskSize, Page, Prot.Read));
        Assert.Equal<long>(-EINVAL, mm.TryMbind(Base, Page, (MpolMode)4));
        Assert.Equal<long>(-EINVAL, mm.TryMbind(Base + 1, Page, MpolMode.Bind));
        Assert.Equal<long>(-EINVAL, mm.TryMbind(Base, 0, MpolMode.Bind));
        Assert.Equal<long>(-EINVAL, mm.TryMbind(Base, ulong.MaxValue - Base, MpolMode.Bind));
        Assert.Equal<long>(-EFAULT, mm.TryMbind(Base, 8 * Page, MpolMode.Bind));
        Assert.Equal(before, mm.Snapshot());
    }

    [Fact]
    public void Fault_file_and_injection_entry_points_reject_bad_arguments()
    {
        // Arrange
        using var mm = NativeMm<TApi>.Create();
        mm.Mmap(Base, Page, Prot.Read, AnonPrivate | MapFlags.Fixed);

        // Act / Assert
        Assert.Equal<long>(-EINVAL, mm.TryFault(Base, (FaultFlags)0x10));
        Assert.Equal<long>(-EFAULT, mm.TryFault(TaskSize, 0));
        Assert.Equal<long>(-EFAULT, mm.TryFault(Base + Page, 0));
        Assert.Equal<long>(-EACCES, mm.TryFault(Base, FaultFlags.Write));
        Assert.Equal<long>(-EINVAL, mm.TryFileOpen(Page, (FileFlags)0x4));
        Assert.Equal<long>(-EINVAL, mm.TryFileOpen(0, 0));
        Assert.Equal<long>(-EINVAL, mm.TryFileOpen(Page + 1, 0));
        Assert.Equal<long>(-EBADF, mm.TryFileClose(5));
        Assert.Equal<long>(-EBADF, mm.TryFileClose(-1));
        Assert.Equal<long>(-EINVAL, mm.TryInjectAllocFailure((CacheKind)99, 1));
        Assert.Equal<long>(-EINVAL, mm.TryTrace(TraceMode.Order + 1));
        var badRef = NativeConfigs.GetConfig<TApi>().Spf != 0 ? -EBADF : -EOPNOTSUPP;
        Assert.Equal(badRef, mm.TryPutVma(0x12345));
        Assert.Equal(badRef, mm.TryVmaRefInfo(0x12345, out _));
    }

    [Fact]
    public void Null_out_pointers_and_negative_capacities_are_rejected_with_a_negative_errno()
    {
        // Arrange
        using var mm = NativeMm<TApi>.Create();
        using var lease = mm.Enter();
        var cookie = lease.Cookie;
        TbVmaInfo info;

        // Act
        long[] results =
        [
            TApi.MmCreate(0, null),
            TApi.GetConfig(null),
            TApi.AbiLayout(null, 4),
            TApi.AbiLayout(null, -1),
            TApi.GlobalViolations(null, -1),
            TApi.Stats(cookie, null),
            TApi.Snapshot(cookie, null, 4),
            TApi.Snapshot(cookie, &info, -1),
            TApi.Violations(cookie, null, 4),
            TApi.Violations(cookie, null, -1),
            TApi.Events(cookie, null, 4),
            TApi.Events(cookie, null, -1),
            TApi.Batch(cookie, null, 1),
            TApi.Batch(cookie, null, -1),
        ];

        // Assert
        Assert.All(results, r => Assert.True(r is -EINVAL or -EFAULT, $"result {r}"));
    }

    [Fact]
    public void Get_vma_answers_by_config_and_rejects_null_outputs()
    {
        // Arrange
        var config = NativeConfigs.GetConfig<TApi>();
        using var mm = NativeMm<TApi>.Create();
        using var lease = mm.Enter();

        // Act
        var empty = mm.TryGetVma(Base, out _, out _);
        var nullRef = TApi.GetVma(lease.Cookie, Base, null, null);

        // Assert
        Assert.Equal(config.Spf != 0 ? -ENOENT : -EOPNOTSUPP, empty);
        Assert.True(nullRef < 0, $"result {nullRef}");
    }

    [Fact]
    public void The_throwing_wrapper_raises_typed_exceptions_naming_the_call_and_errno()
    {
        // Arrange
        using var mm = NativeMm<TApi>.Create();

        // Act
        var einval = Assert.Throws<TestbedInvalidArgumentException>(() => mm.Mmap(Base, 0, Rw, AnonPrivate));
        var eperm = Assert.Throws<TestbedPermissionException>(() => mm.Mmap(0x1000, Page, Rw, AnonPrivate | MapFlags.Fixed));
        var efault = Assert.Throws<TestbedBadAddressException>(() => mm.Fault(Base, FaultFlags.Write));
        var ebadf = Assert.Throws<TestbedBadHandleException>(() => mm.FileClose(3));
        var enomem = Assert.Throws<TestbedOutOfMemoryException>(() => mm.Mprotect(Base, Page, Prot.Read));

        // Assert
        Assert.Equal((EINVAL, "EINVAL"), (einval.Errno, einval.ErrnoName));
        Assert.Equal("tb_mmap(0x10000000, 0x0, 0x3, 0x22, -1, 0x0) failed: -EINVAL (22)", einval.Message);
        Assert.Equal("tb_mmap(0x10000000, 0x0, 0x3, 0x22, -1, 0x0)", einval.Operation);
        Assert.Equal(EPERM, eperm.Errno);
        Assert.StartsWith("tb_mmap(0x1000, 0x1000,", eperm.Message);
        Assert.Equal("tb_fault(0x10000000, 0x1) failed: -EFAULT (14)", efault.Message);
        Assert.Equal("tb_file_close(3) failed: -EBADF (9)", ebadf.Message);
        Assert.Equal(ENOMEM, enomem.Errno);
        Assert.Contains("tb_mprotect(0x10000000, 0x1000, 0x1)", enomem.Message);
    }

    private static void AssertAllBadHandle(TbMm mm)
    {
        ulong reference;
        TbVmaInfo info;
        TbStats stats;
        TbViolation violation;
        TbEvent ev;
        TbOp op = default;
        var results = new Dictionary<string, long>
        {
            ["tb_file_open"] = TApi.FileOpen(mm, Page, 0),
            ["tb_file_close"] = TApi.FileClose(mm, 0),
            ["tb_mmap"] = TApi.Mmap(mm, 0, Page, (uint)Rw, (uint)AnonPrivate, -1, 0),
            ["tb_munmap"] = TApi.Munmap(mm, Base, Page),
            ["tb_mprotect"] = TApi.Mprotect(mm, Base, Page, 1),
            ["tb_mbind"] = TApi.Mbind(mm, Base, Page, 1),
            ["tb_fault"] = TApi.Fault(mm, Base, 0),
            ["tb_batch"] = TApi.Batch(mm, &op, 1),
            ["tb_get_vma"] = TApi.GetVma(mm, Base, &reference, &info),
            ["tb_vma_ref_info"] = TApi.VmaRefInfo(mm, 1, &info),
            ["tb_put_vma"] = TApi.PutVma(mm, 1),
            ["tb_snapshot"] = TApi.Snapshot(mm, &info, 1),
            ["tb_stats"] = TApi.Stats(mm, &stats),
            ["tb_validate"] = TApi.Validate(mm),
            ["tb_violations"] = TApi.Violations(mm, &violation, 1),
            ["tb_trace"] = TApi.Trace(mm, 1),
            ["tb_events"] = TApi.Events(mm, &ev, 1),
            ["tb_inject_alloc_failure"] = TApi.InjectAllocFailure(mm, 0, 1),
            ["tb_mm_destroy"] = TApi.MmDestroy(mm),
        };
        Assert.All(results, r => Assert.True(r.Value == -EBADF, $"{r.Key} returned {r.Value}, want -EBADF"));
    }
}

/// <summary>Errno checks on the SPF config.</summary>
public sealed class MmuSpfErrnoSpecs : ErrnoSpecs<MmuSpfApi>;

/// <summary>Errno checks on the plain MMU config.</summary>
public sealed class MmuErrnoSpecs : ErrnoSpecs<MmuApi>;
