// SPDX-License-Identifier: GPL-2.0-only
// A cost hook, not a scheduling point: a plain access to a cache line that locks or other CPUs move.
using System.Runtime.CompilerServices;

namespace Testbed.Managed.Kernel;

/// <summary>
/// The plain accesses of the model (no scheduling point of their own) that land on a cache line
/// other CPUs write, reported to a simulation that moves lines between virtual CPUs: the fault's
/// page-table walk reading mm->pgd, find_vma reading mm_rb's root, an rw_semaphore's owner and
/// wait_lock (see <see cref="Mm.MmLines"/> for which line each sits on). It is not a scheduling
/// point: it adds no decision, it only tells the hook "this thread read (or wrote) that line,
/// here". A no-op while <see cref="Hook"/> is null (the default: no simulation runs) and in the
/// perf flavour.
/// </summary>
public static class LineAccess
{
    /// <summary>The installed hook (a simulation's VirtualTime): the line, and whether the access writes it; null for none. Global, like <see cref="SchedHook.Hook"/>.</summary>
    public static Action<object, bool>? Hook { get; set; }

    /// <summary>
    /// Installs <paramref name="hook"/> (null: none) until the result is disposed, which
    /// uninstalls it (as <see cref="PageWork.Install"/> does).
    /// </summary>
    public static IDisposable Install(Action<object, bool>? hook)
    {
        Hook = hook;
        return new Installed();
    }

    /// <summary>The calling thread read a field on the line <paramref name="line"/> names, now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read(object line)
    {
        if (!ManagedFlavour.Checked)
            return;
        Hook?.Invoke(line, false);
    }

    /// <summary>The calling thread wrote a field on the line <paramref name="line"/> names, now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(object line)
    {
        if (!ManagedFlavour.Checked)
            return;
        Hook?.Invoke(line, true);
    }

    private sealed class Installed : IDisposable
    {
        public void Dispose() => Hook = null;
    }
}
