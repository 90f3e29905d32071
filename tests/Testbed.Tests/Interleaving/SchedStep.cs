// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// One call of the scheduling hook: the point and the object it was called for (a boxed
/// native address on the native backend, the shim object itself on the managed one).
/// </summary>
public readonly record struct SchedStep(SchedPoint Point, object? Obj)
{
    /// <summary>"Lock 0x7f.." or "Lock SpinLockT".</summary>
    public override string ToString() => $"{Point} {Describe(Obj)}";

    /// <summary>A short, stable-enough name of a hook object for failure messages.</summary>
    public static string Describe(object? obj) => obj switch
    {
        null => "null",
        nint p => $"0x{p:x}",
        _ => $"{obj.GetType().Name}#{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj):x}",
    };
}
