// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/sched.h: tb_sched() and tb_sched_set_hook().
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>
/// The scheduling hook (tb_sched): every lock acquire/release, protocol atomic and
/// seqcount begin/end/read calls it, so a controlled scheduler can explore interleavings.
/// A no-op while <see cref="Hook"/> is null (the default).
/// </summary>
public static class SchedHook
{
    /// <summary>The installed hook, or null for none. Global, like the native one.</summary>
    public static Action<SchedPoint, object?>? Hook { get; set; }

    /// <summary>
    /// tb_sched_controlled: set by a controlled scheduler next to <see cref="Hook"/>. While
    /// it is true and a hook is installed, the lock types never wait on their own; they retry
    /// and report <see cref="SchedPoint.Blocked"/> between tries (an rw_semaphore: 4.16's wait
    /// list, its sleepers blocked on their own waits until a <see cref="SchedPoint.Wake"/>, see
    /// <see cref="IsBlocked"/> and <see cref="RwSemaphore"/>), so a scheduler that runs one thread
    /// at a time can run the holder. A plain hook keeps the waiting locks.
    /// </summary>
    public static bool Controlled
    {
        // The perf flavour calls no hook, so nothing can control it: false, folded by the JIT.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ManagedFlavour.Checked && controlled && Hook is not null;
        set => controlled = value;
    }

    private static volatile bool controlled;

    /// <summary>
    /// tb_sched_point_blocked: whether <paramref name="point"/> reports a blocked try on any
    /// lock (<see cref="SchedPoint.Blocked"/>, or an rw_semaphore's
    /// <see cref="SchedPoint.SemWaitRead"/>, <see cref="SchedPoint.SemWaitWrite"/>,
    /// <see cref="SchedPoint.SemWaitWriteOnWriter"/>): a retry, not a write.
    /// </summary>
    public static bool IsBlocked(SchedPoint point) =>
        point is SchedPoint.Blocked or SchedPoint.SemWaitRead or SchedPoint.SemWaitWrite or SchedPoint.SemWaitWriteOnWriter;

    /// <summary>tb_sched(point, obj): calls the hook if one is installed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sched(SchedPoint point, object? obj)
    {
        if (!ManagedFlavour.Checked)
            return;
        var hook = Hook;
        if (hook is not null)
            hook(point, obj);
    }
}
