// SPDX-License-Identifier: GPL-2.0-only
// A cost hook, not a scheduling point: a plain read of a line another lock's writers move.
using System.Runtime.CompilerServices;

namespace Testbed.Managed.Kernel;

/// <summary>
/// The plain reads of the model that land on a cache line its locks write, reported to a
/// simulation that moves lines between virtual CPUs: the fault's page-table walk, which begins
/// at mm->pgd (pgd_offset in __handle_mm_fault). In 4.16's mm_struct and in 6.4's alike, pgd sits
/// a few words before mmap_sem's count, on the same 64-byte line (4.16: pgd at byte 80, the count
/// at 112; 6.4: 128 and 176), so a fault that reads pgd while other CPUs take and release mmap_sem
/// finds the line moved. It is not a scheduling point: it adds no decision and no write, it only
/// tells the hook "this thread read that line, here". A no-op while <see cref="Hook"/> is null
/// (the default: no simulation runs) and in the perf flavour.
/// </summary>
public static class LineRead
{
    /// <summary>The installed hook (a simulation's VirtualTime), or null for none. Global, like <see cref="SchedHook.Hook"/>.</summary>
    public static Action<object>? Hook { get; set; }

    /// <summary>
    /// Installs <paramref name="hook"/> (null: none) until the result is disposed, which
    /// uninstalls it (as <see cref="PageWork.Install"/> does).
    /// </summary>
    public static IDisposable Install(Action<object>? hook)
    {
        Hook = hook;
        return new Installed();
    }

    /// <summary>The calling thread read a field on the line of <paramref name="line"/> (the object that names the line), now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read(object line)
    {
        if (!ManagedFlavour.Checked)
            return;
        Hook?.Invoke(line);
    }

    private sealed class Installed : IDisposable
    {
        public void Dispose() => Hook = null;
    }
}
