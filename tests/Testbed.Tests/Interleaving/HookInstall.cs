// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using Testbed.Contract;
using Testbed.Interop;
using Testbed.Managed.Kernel;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// Installs a <see cref="SchedGate"/> as the scheduling hook of one backend: the managed
/// port's <see cref="SchedHook.Hook"/>, or tb_set_sched_hook of libtestbed-mmu-spf through
/// the generated binding and an [UnmanagedCallersOnly] callback. Disposing uninstalls it.
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

    private HookInstall(string backend) => this.backend = backend;

    /// <summary>Installs <paramref name="gate"/> on <paramref name="backend"/> ("native" or "managed").</summary>
    public static HookInstall Install(string backend, SchedGate gate)
    {
        switch (backend)
        {
            case "managed":
                SchedHook.Hook = gate.OnPoint;
                break;
            case "native":
                Volatile.Write(ref nativeGate, gate);
                var rc = MmuSpfApi.SetSchedHook(&OnNativePoint, null);
                if (rc != 0)
                {
                    Volatile.Write(ref nativeGate, null);
                    throw new InvalidOperationException($"tb_set_sched_hook: {Errno.Format(rc)}");
                }
                break;
            default:
                throw new ArgumentException($"unknown backend {backend}", nameof(backend));
        }
        return new HookInstall(backend);
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
        MmuSpfApi.SetSchedHook(null, null);
        Volatile.Write(ref nativeGate, null);
    }
}
