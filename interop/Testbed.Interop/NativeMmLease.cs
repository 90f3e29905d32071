// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Interop;

/// <summary>
/// Holds a reference on an mm handle for the duration of one native call, so a concurrent
/// Dispose cannot destroy the mm while the call runs (SafeHandle's AddRef/Release).
/// </summary>
public readonly ref struct NativeMmLease<TApi> where TApi : struct, ITestbedApi
{
    private readonly NativeMmHandle<TApi> _handle;

    /// <summary>Takes a reference; throws ObjectDisposedException after the handle was disposed.</summary>
    public NativeMmLease(NativeMmHandle<TApi> handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Cookie = handle.Cookie;
    }

    /// <summary>The cookie to pass to <typeparamref name="TApi"/>.</summary>
    public TbMm Cookie { get; }

    /// <summary>Drops the reference.</summary>
    public void Dispose() => _handle.DangerousRelease();
}
