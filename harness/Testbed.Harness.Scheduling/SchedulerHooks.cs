// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// Points one backend's scheduling hook at <see cref="ControlledScheduler.OnPoint"/>: the
/// managed port's <see cref="SchedHook.Hook"/> (with <see cref="SchedHook.Controlled"/>), or
/// tb_set_sched_hook_controlled of the config's native library with an [UnmanagedCallersOnly]
/// callback, so the same C# scheduler drives both, and their locks use the blocking protocol.
/// Disposing removes the hook. The hook is process-global: one exploration at a time.
/// </summary>
public sealed unsafe class SchedulerHooks : IDisposable
{
    private readonly string backend;
    private readonly string config;

    private SchedulerHooks(string backend, string config)
    {
        this.backend = backend;
        this.config = config;
    }

    /// <summary>Installs the hook on <paramref name="backend"/> for <paramref name="config"/>.</summary>
    public static SchedulerHooks Install(string backend, string config)
    {
        switch (backend)
        {
            case AddressSpaceFactory.Managed:
                SchedHook.Hook = ControlledScheduler.OnPoint;
                SchedHook.Controlled = true;
                break;
            case AddressSpaceFactory.Native:
                var rc = TestbedConfigs.Dispatch(config, new SetHook(true));
                if (rc != 0)
                    throw new InvalidOperationException($"tb_set_sched_hook ({config}): {Errno.Format(rc)}");
                break;
            default:
                throw new ArgumentException($"unknown backend '{backend}'", nameof(backend));
        }
        return new SchedulerHooks(backend, config);
    }

    /// <summary>Removes the hook.</summary>
    public void Dispose()
    {
        if (backend == AddressSpaceFactory.Managed)
        {
            SchedHook.Controlled = false;
            SchedHook.Hook = null;
        }
        else
            TestbedConfigs.Dispatch(config, new SetHook(false));
    }

    [UnmanagedCallersOnly]
    private static void OnNativePoint(int point, void* obj, void* ctx)
    {
        try
        {
            ControlledScheduler.OnPoint((SchedPoint)point, (nint)obj);
        }
        catch (Exception e)
        {
            // An exception must not unwind through C frames.
            Environment.FailFast($"controlled scheduler threw inside the native hook: {e}");
        }
    }

    private readonly struct SetHook(bool install) : ITestbedApiVisitor<int>
    {
        public int Visit<TApi>() where TApi : struct, ITestbedApi =>
            install ? TApi.SetSchedHookControlled(&OnNativePoint, null) : TApi.SetSchedHook(null, null);
    }
}
