// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using Testbed.Contract;
using Testbed.Interop;
using Testbed.Managed.Kernel;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// Installs a <see cref="SchedGate"/> as the scheduling hook of one backend: the managed
/// port's <see cref="SchedHook.Hook"/>, or tb_set_sched_hook of the config's library
/// (libtestbed-mmu-spf by default) through the generated binding and an [UnmanagedCallersOnly] callback. Disposing uninstalls it.
/// </summary>
public sealed unsafe class HookInstall : IDisposable
{
    /// <summary>
    /// The gate the native callback forwards to. A static, not the hook's ctx: a thread
    /// may still be inside an old hook after it was replaced (sched.c keeps old pairs),
    /// and reading null here is safe where a freed GCHandle would not be.
    /// </summary>
    private static SchedGate? nativeGate;

    private readonly string backend;
    private readonly string config;

    private HookInstall(string backend, string config)
    {
        this.backend = backend;
        this.config = config;
    }

    /// <summary>tb_set_sched_hook of the library of <paramref name="config"/> (each library has its own hook).</summary>
    private static int SetNativeHook(string config, delegate* unmanaged<int, void*, void*, void> fn) => config switch
    {
        "mmu-spf" => MmuSpfApi.SetSchedHook(fn, null),
        "mmu-spf-rcu" => MmuSpfRcuApi.SetSchedHook(fn, null),
        "mmu-pvl" => MmuPvlApi.SetSchedHook(fn, null),
        "mmu-spf-v9" => MmuSpfV9Api.SetSchedHook(fn, null),
        "mmu-rcu-nogp" => MmuRcuNogpApi.SetSchedHook(fn, null),
        "mmu-pvl-noseq" => MmuPvlNoseqApi.SetSchedHook(fn, null),
        _ => throw new ArgumentException($"no interleaving specs on config {config}", nameof(config)),
    };

    /// <summary>Installs <paramref name="gate"/> on <paramref name="backend"/> ("native" or "managed") of <paramref name="config"/>.</summary>
    public static HookInstall Install(string backend, SchedGate gate, string config = "mmu-spf")
    {
        switch (backend)
        {
            case "managed":
                SchedHook.Hook = gate.OnPoint;
                break;
            case "native":
                Volatile.Write(ref nativeGate, gate);
                var rc = SetNativeHook(config, &OnNativePoint);
                if (rc != 0)
                {
                    Volatile.Write(ref nativeGate, null);
                    throw new InvalidOperationException($"tb_set_sched_hook: {Errno.Format(rc)}");
                }
                break;
            default:
                throw new ArgumentException($"unknown backend {backend}", nameof(backend));
        }
        return new HookInstall(backend, config);
    }

    [UnmanagedCallersOnly]
    private static void OnNativePoint(int point, void* obj, void* ctx)
    {
        var gate = Volatile.Read(ref nativeGate);
        if (gate is null)
            return;
        try
        {
            gate.OnPoint((SchedPoint)point, (nint)obj);
        }
        catch (Exception e)
        {
            // An exception must not unwind through C frames; the spec reports the gate state.
            Environment.FailFast($"interleaving gate threw inside the native hook: {e}");
        }
    }

    /// <summary>Uninstalls the hook (tb_set_sched_hook(NULL, NULL) / Hook = null).</summary>
    public void Dispose()
    {
        if (backend == "managed")
        {
            SchedHook.Hook = null;
            return;
        }
        SetNativeHook(config, null);
        Volatile.Write(ref nativeGate, null);
    }
}
