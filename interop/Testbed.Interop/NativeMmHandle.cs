// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;

namespace Testbed.Interop;

/// <summary>
/// Owns one tb_mm_t of config <typeparamref name="TApi"/>; releasing it calls that config's
/// tb_mm_destroy. The handle value is the native cookie and is never dereferenced.
/// </summary>
public sealed class NativeMmHandle<TApi> : SafeHandle where TApi : struct, ITestbedApi
{
    /// <summary>Creates an invalid handle (used by the marshaller and by <see cref="Create"/>).</summary>
    public NativeMmHandle()
        : base(0, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>The result of tb_mm_destroy when the handle was released (0 on success), or null before.</summary>
    public int? DestroyResult { get; private set; }

    /// <summary>The raw cookie, for calls through <typeparamref name="TApi"/>; valid only while a reference is held.</summary>
    public TbMm Cookie => new(handle);

    /// <summary>Calls tb_mm_create; returns its result (0 or a negative errno) and the handle.</summary>
    public static unsafe int Create(uint flags, out NativeMmHandle<TApi> mm)
    {
        mm = new NativeMmHandle<TApi>();
        TbMm cookie;
        var result = TApi.MmCreate(flags, &cookie);
        if (result == 0)
            mm.SetHandle(cookie.Value);
        return result;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        DestroyResult = TApi.MmDestroy(new TbMm(handle));
        return DestroyResult == 0;
    }
}
