// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Scheduling;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Scheduling;

namespace Testbed.Tests.Simulation;

/// <summary>
/// What the zone and LRU lock specs share: their test machines, and threads that do nothing but
/// report page events to a <see cref="VirtualTime"/> — each body is its thread and its
/// operations, each operation its kind and its page events in order as (event, count), run
/// under the controlled scheduler.
/// </summary>
internal static class PageEventRuns
{
    /// <summary>The test machines' transfer within a socket, ns.</summary>
    public const double SameSocketNs = 50;

    /// <summary>Two CPUs of one socket: one node, one zone and LRU lock.</summary>
    public static readonly Machine OneNode = new("test", 2, 1, SameSocketNs, 120, "test values");

    /// <summary>One CPU on each of two sockets: two nodes, a lock each.</summary>
    public static readonly Machine TwoNodes = new("test", 2, 2, SameSocketNs, 120, "test values");

    public static ControlledRun Run(VirtualTime time, params (int Thread, (int Kind, (PageEvent Page, int Count)[] Pages)[] Ops)[] bodies)
    {
        var actions = bodies.Select(b => (Action)(() =>
        {
            foreach (var (kind, pages) in b.Ops)
            {
                time.BeginOp(b.Thread, kind);
                foreach (var (page, count) in pages)
                {
                    for (var i = 0; i < count; i++)
                        PageWork.Page(page);
                }
                time.EndOp(b.Thread);
            }
        })).ToArray();
        return ManagedRun.Clean(actions, time, time.OnPage);
    }
}
