// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Interop;

namespace Testbed.Harness.Worker;

/// <summary>
/// TEST ONLY: calls the native tb_debug_crash entry point of a config's library,
/// which crashes the process when TESTBED_ALLOW_CRASH=1 is set and otherwise
/// refuses with a negative errno (the value returned here).
/// </summary>
public static class NativeDebugCrash
{
    /// <summary>Calls tb_debug_crash(<paramref name="how"/>) in <paramref name="config"/>'s library.</summary>
    public static int Crash(string config, int how) => TestbedConfigs.Dispatch(config, new Visitor(how));

    private sealed class Visitor(int how) : ITestbedApiVisitor<int>
    {
        public int Visit<TApi>() where TApi : struct, ITestbedApi => TApi.DebugCrash(how);
    }
}
