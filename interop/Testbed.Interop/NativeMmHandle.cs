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

    /// <summary>
    /// One lock per config library around every destroy, so the block of violations a teardown
    /// appends to that library's global log is found right after the entries that were there before.
    /// </summary>
    private static readonly Lock DestroyLock = new();

    /// <summary>
    /// The result of tb_mm_destroy when the handle was released: the number of violations the
    /// teardown recorded (0 = clean) or a negative errno; null before.
    /// </summary>
    public int? DestroyResult { get; private set; }

    /// <summary>The violations the teardown recorded (from the global log); empty before or when clean.</summary>
    public IReadOnlyList<TbViolation> TeardownViolations { get; private set; } = [];

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

    /// <summary>Calls tb_fork on <paramref name="parent"/>'s cookie; returns its result (0 or a negative errno) and the child's handle.</summary>
    public static unsafe int Fork(TbMm parent, out NativeMmHandle<TApi> child)
    {
        child = new NativeMmHandle<TApi>();
        TbMm cookie;
        var result = TApi.Fork(parent, &cookie);
        if (result == 0)
            child.SetHandle(cookie.Value);
        return result;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        lock (DestroyLock)
        {
            var before = GlobalViolations().Length;
            DestroyResult = TApi.MmDestroy(new TbMm(handle));
            if (DestroyResult > 0)
                TeardownViolations = GlobalViolations().Skip(before).Take(DestroyResult.Value).ToArray();
        }
        return DestroyResult >= 0;
    }

    /// <summary>Every violation stored in the library's global log (tb_global_violations).</summary>
    public static unsafe TbViolation[] GlobalViolations()
    {
        for (var cap = 16; ; cap *= 2)
        {
            var buffer = new TbViolation[cap];
            int n;
            fixed (TbViolation* p = buffer)
                n = TApi.GlobalViolations(p, cap);
            if (n < cap)
                return buffer[..Math.Max(n, 0)];
        }
    }
}
