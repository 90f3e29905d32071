// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.Contract;
using Testbed.Interop;

namespace Testbed.Tests.Interop;

/// <summary>The SafeHandle owns the mm: disposing it destroys the mm exactly once.</summary>
public abstract unsafe class SafeHandleSpecs<TApi> where TApi : struct, ITestbedApi
{
    protected SafeHandleSpecs() => NativeTestEnvironment.RequireLibrary(TApi.ConfigName);

    [Fact]
    public void Disposing_the_wrapper_destroys_the_mm_and_invalidates_the_cookie()
    {
        // Arrange
        var mm = NativeMm<TApi>.Create();
        mm.Mmap(0x10000000, 0x4000, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);
        TbMm cookie;
        using (var lease = mm.Enter())
            cookie = lease.Cookie;
        TbStats stats;
        Assert.Equal(0, TApi.Stats(cookie, &stats));

        // Act
        mm.Dispose();

        // Assert
        Assert.True(mm.Handle.IsClosed);
        Assert.Equal(0, mm.Handle.DestroyResult);
        Assert.Equal(-Errno.EBADF, TApi.Stats(cookie, &stats));
        Assert.Equal(-Errno.EBADF, TApi.MmDestroy(cookie));
        Assert.Throws<ObjectDisposedException>(() => mm.Stats());
        Assert.Throws<ObjectDisposedException>(() => mm.TryMunmap(0x10000000, 0x1000));
    }

    [Fact]
    public void Disposing_twice_destroys_once()
    {
        // Arrange
        var mm = NativeMm<TApi>.Create();

        // Act
        mm.Dispose();
        mm.Dispose();

        // Assert
        Assert.Equal(0, mm.Handle.DestroyResult);
    }

    [Fact]
    public void Two_configs_live_side_by_side_in_one_process()
    {
        // Arrange
        using var spf = NativeMm<MmuSpfApi>.Create();
        using var mmu = NativeMm<MmuApi>.Create();

        // Act
        var spfConfig = NativeConfigs.GetConfig<MmuSpfApi>();
        var mmuConfig = NativeConfigs.GetConfig<MmuApi>();
        spf.Mmap(0x10000000, 0x1000, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);

        // Assert
        Assert.Equal(("mmu-spf", 1u), (spfConfig.NameText, spfConfig.Spf));
        Assert.Equal(("mmu", 0u), (mmuConfig.NameText, mmuConfig.Spf));
        Assert.Equal(1ul, spf.Stats().MapCount);
        Assert.Equal(0ul, mmu.Stats().MapCount);
    }
}

/// <summary>SafeHandle checks on the SPF config.</summary>
public sealed class MmuSpfSafeHandleSpecs : SafeHandleSpecs<MmuSpfApi>;

/// <summary>SafeHandle checks on the plain MMU config.</summary>
public sealed class MmuSafeHandleSpecs : SafeHandleSpecs<MmuApi>;
