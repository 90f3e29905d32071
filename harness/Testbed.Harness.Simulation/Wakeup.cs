// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The wake-up of a sleeping lock waiter, as measured here (<see cref="WakeupLatency"/>):
/// <see cref="LatencyNs"/> from the waker's wake to the sleeper running (charged to the
/// sleeper), <see cref="WakeCallNs"/> the waker's own time in the wake (charged to the
/// releaser, once per sleeper it wakes), each the median of its rounds.
/// </summary>
public sealed record Wakeup(double LatencyNs, double WakeCallNs, IReadOnlyList<double> LatencyRoundsNs, IReadOnlyList<double> WakeCallRoundsNs, string Method);
