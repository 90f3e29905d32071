// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;

namespace Testbed.Worker;

/// <summary>
/// TEST ONLY: the test-only native library (native/tests/crash-hook, built as
/// build/native/test-only/libcrash-hook.so) whose <c>tb_test_crash(how)</c> crashes
/// this process. The model's libraries have no such entry point.
/// </summary>
internal static unsafe class CrashHook
{
    /// <summary>Loads <paramref name="library"/> and calls its tb_test_crash; returns only if it refused.</summary>
    public static int Crash(string library, int how)
    {
        var handle = NativeLibrary.Load(library);
        var crash = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(handle, "tb_test_crash");
        return crash(how);
    }
}
