// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;

namespace Testbed.Tests.Harness;

/// <summary>The test-only crash hook library (native/tests/crash-hook), copied next to the tests.</summary>
internal static unsafe class CrashHook
{
    /// <summary>Its path.</summary>
    public static string Library { get; } = Path.Combine(AppContext.BaseDirectory, "libcrash-hook.so");

    /// <summary>Crashes this process in native code (1 = SIGSEGV, 2 = abort); returns only if the hook refused.</summary>
    public static int Crash(int how)
    {
        var crash = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(NativeLibrary.Load(Library), "tb_test_crash");
        return crash(how);
    }
}
