// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Tests.Harness;

/// <summary>The test-only crash hook library (native/tests/crash-hook), copied next to the tests.</summary>
internal static class CrashHook
{
    /// <summary>Its path.</summary>
    public static string Library { get; } = Path.Combine(AppContext.BaseDirectory, "libcrash-hook.so");
}
