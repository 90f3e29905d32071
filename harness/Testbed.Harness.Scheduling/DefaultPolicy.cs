// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// The choice a schedule leaves implicit: the current thread while it can run (no
/// preemption), else the lowest-numbered runnable thread.
/// </summary>
public static class DefaultPolicy
{
    /// <summary>The default among <paramref name="enabled"/> (sorted, not empty).</summary>
    public static int Choose(int previous, IReadOnlyList<int> enabled) =>
        previous >= 0 && enabled.Contains(previous) ? previous : enabled[0];
}
