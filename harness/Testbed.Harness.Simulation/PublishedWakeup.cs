// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Simulation;

/// <summary>
/// A machine's own wake-up, derived from a published <c>perf bench sched pipe</c> figure: two
/// tasks hand a token back and forth through two pipes, each sleeping in read() until the
/// other's write() wakes it, so one operation (<see cref="RoundTripNs"/>, the figure's
/// usecs/op) is two hand-overs, each a wake on one CPU and the woken task's run on another
/// (the tasks are not pinned: <see cref="Source"/> says what shows they ran apart). A hand-over
/// is what <see cref="WakeupLatency"/> measures as wake → run (the waker's clock before its
/// wake to the sleeper's return from its wait), so the wake → run latency is half a round
/// trip. The waker's own call is not published apart: when the source gives the CPU share the
/// job kept busy (<see cref="BusyCpus"/>, of the two tasks' 2), one task's busy time per
/// round trip — its wake call, and its own return from read() and going back to sleep — bounds
/// it from above; without that share, the hand-over itself does. Both are upper bounds, taken
/// as they are: nothing here is chosen to make an anchor come out.
/// </summary>
public sealed record PublishedWakeup(double RoundTripNs, double? BusyCpus, string Source)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One perf bench sched pipe operation, ns (a round trip: two hand-overs).</summary>
    public double RoundTripNs { get; } = RoundTripNs > 0 && double.IsFinite(RoundTripNs)
        ? RoundTripNs
        : throw new ArgumentOutOfRangeException(nameof(RoundTripNs), RoundTripNs, "a round trip takes a positive, finite time");

    /// <summary>The CPUs the two tasks kept busy together (0 .. 2], or null when the source does not give it.</summary>
    public double? BusyCpus { get; } = BusyCpus is not { } b || (b > 0 && b <= 2)
        ? BusyCpus
        : throw new ArgumentOutOfRangeException(nameof(BusyCpus), BusyCpus, "two tasks keep between 0 and 2 CPUs busy");

    /// <summary>Wake → run, ns: one hand-over, half a round trip.</summary>
    public double LatencyNs => RoundTripNs / 2;

    /// <summary>
    /// The waker's call, ns: at most one task's busy time per round trip (round trip × busy
    /// CPUs / 2), or at most one hand-over when the busy share is not published.
    /// </summary>
    public double WakeCallNs => RoundTripNs * (BusyCpus ?? 1) / 2;

    /// <summary>How <see cref="LatencyNs"/> and <see cref="WakeCallNs"/> follow from the figure, for the tables.</summary>
    public string Derivation => BusyCpus is { } b
        ? string.Format(Inv, "wake -> run = {0:F0} / 2 = {1:F0} ns; wake call <= one task's busy time = {0:F0} x {2:F4} / 2 = {3:F0} ns",
            RoundTripNs, LatencyNs, b, WakeCallNs)
        : string.Format(Inv, "wake -> run = {0:F0} / 2 = {1:F0} ns; wake call <= one hand-over = {1:F0} ns (no busy share published)",
            RoundTripNs, LatencyNs);
}
