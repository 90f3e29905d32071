// SPDX-License-Identifier: GPL-2.0-only
// A cost hook, not a scheduling point: where the kernel does per-page work.
using System.Runtime.CompilerServices;

namespace Testbed.Managed.Kernel;

/// <summary>
/// The page events of the model's own page work, reported to a simulation that charges the
/// kernel's per-page work there: a fault's page allocation (do_anonymous_page, the COW copy of
/// wp_page_copy), called where the kernel allocates it (before the PTE lock), the same page
/// joining the LRU (after the PTE check, under the PTE lock, where the kernel calls
/// lru_cache_add_active_or_unevictable), and each entry a zap clears (zap_pte_range: the page
/// freed or unmapped). It is not a scheduling point: it
/// adds no decision and no line, it only tells the hook "one page, here". A no-op while
/// <see cref="Hook"/> is null (the default: no simulation runs) and in the perf flavour.
/// </summary>
public static class PageWork
{
    /// <summary>The installed hook (a simulation's VirtualTime), or null for none. Global, like <see cref="SchedHook.Hook"/>.</summary>
    public static Action<PageEvent>? Hook { get; set; }

    /// <summary>
    /// Whether a hook listens: false in the perf flavour (folded by the JIT) and while no
    /// simulation runs, so a call site that must first work out whether it has a page pays nothing.
    /// </summary>
    public static bool Active
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ManagedFlavour.Checked && Hook is not null;
    }

    /// <summary>
    /// Installs <paramref name="hook"/> (null: none) until the result is disposed, which
    /// uninstalls it (as <c>SchedulerHooks.Install</c> does for the scheduling hook).
    /// </summary>
    public static IDisposable Install(Action<PageEvent>? hook)
    {
        Hook = hook;
        return new Installed();
    }

    /// <summary>One page of work by the calling thread, now: <paramref name="page"/> says what it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Page(PageEvent page)
    {
        if (!ManagedFlavour.Checked)
            return;
        Hook?.Invoke(page);
    }

    private sealed class Installed : IDisposable
    {
        public void Dispose() => Hook = null;
    }
}
