// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// A strategy that also wants to see every scheduling point before it chooses (the virtual-time
/// simulation charges the thread's clock there). <see cref="ControlledScheduler"/> calls it
/// under its lock, in the order the points happen, after it has woken the threads an
/// <see cref="SchedPoint.Unlock"/> releases (or a <see cref="SchedPoint.Wake"/> wakes) and before
/// the decision that follows the point.
/// </summary>
public interface IPointObserver
{
    /// <summary>Thread <paramref name="thread"/> reached <paramref name="point"/> on <paramref name="obj"/>.</summary>
    void OnPoint(int thread, SchedPoint point, object? obj);
}
