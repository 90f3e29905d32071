// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The virtual machine a simulation runs on: how many CPUs, in how many sockets, and what one
/// cache-line transfer costs between two CPUs of one socket and of two sockets. Virtual CPU i
/// sits in socket i / (Cpus / Sockets): threads fill one socket before the next. Every
/// parameter says where it came from (<see cref="Source"/>); none is fitted to an anchor.
/// </summary>
public sealed record Machine(string Name, int Cpus, int Sockets, double SameSocketNs, double CrossSocketNs, string Source)
{
    /// <summary>The socket of virtual CPU <paramref name="cpu"/>.</summary>
    public int SocketOf(int cpu)
    {
        var perSocket = Math.Max(1, (Cpus + Sockets - 1) / Sockets);
        return Math.Min(Sockets - 1, cpu / perSocket);
    }

    /// <summary>What moving a line from <paramref name="from"/>'s cache to <paramref name="to"/>'s costs, ns.</summary>
    public double Transfer(int from, int to) => SocketOf(from) == SocketOf(to) ? SameSocketNs : CrossSocketNs;

    /// <summary>A sleeping lock waiter's wake → run latency, ns, charged to the sleeper (0 until <see cref="WithWakeup"/>).</summary>
    public double WakeupNs { get; init; }

    /// <summary>The waker's own time in the wake, ns, charged to the releaser once per sleeper it lets in.</summary>
    public double WakeCallNs { get; init; }

    /// <summary>
    /// The machine with the wake-up measured here (<see cref="Calibration.Wakeup"/>): no published
    /// wake-up latency was found for the anchors' machines, so every machine takes this one's.
    /// </summary>
    public Machine WithWakeup(Wakeup wakeup)
    {
        ArgumentNullException.ThrowIfNull(wakeup);
        return this with { WakeupNs = wakeup.LatencyNs, WakeCallNs = wakeup.WakeCallNs };
    }

    /// <summary>The same machine with every transfer free (the zero-cost invariants).</summary>
    public Machine WithoutTransfers() => this with { Name = Name + " (no transfer cost)", SameSocketNs = 0, CrossSocketNs = 0 };
}
