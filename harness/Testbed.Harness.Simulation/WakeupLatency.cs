// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text.Json;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What a sleep on a lock costs besides its wait, measured on this machine by native/bench's
/// wakeup mode (build/native/perf/bench wakeup): two threads pinned to two CPUs hand a turn
/// back and forth through a futex, each sleeping in FUTEX_WAIT until the other's FUTEX_WAKE,
/// the kernel's own wake-up (try_to_wake_up, the IPI, the schedule-in) with no language
/// runtime between, as the kernel's rw_semaphore pays it. Per hand-over the waker's clock is
/// read just before the wake; the sleeper reads the clock as soon as it returns (wake → run),
/// and the waker times its own FUTEX_WAKE (the part its CPU pays). Each round's value is the
/// median of its hand-overs whose receiver really slept; the calibration keeps the median of
/// the rounds and every round. On a loaded machine the sleeper may wait for its CPU behind
/// other work: the value is this machine's, as measured, never adjusted.
/// </summary>
public static class WakeupLatency
{
    /// <summary>How the numbers were taken, for the calibration file.</summary>
    public const string Method =
        "native/bench wakeup: two threads pinned to two CPUs hand a turn back and forth through a futex, each sleeping in FUTEX_WAIT " +
        "until the other's FUTEX_WAKE (no language runtime between); wake -> run = the sleeper's clock when FUTEX_WAIT returns minus " +
        "the waker's just before its FUTEX_WAKE; wake call = the waker's time in FUTEX_WAKE; per round the median of its hand-overs " +
        "(those whose receiver slept), then the median of the rounds";

    /// <summary>Hand-overs each thread makes per round.</summary>
    public const int HandOvers = 1_000;

    /// <summary>Measures <paramref name="rounds"/> rounds with <paramref name="driver"/>.</summary>
    public static Wakeup Measure(string driver, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        HotPaths.RequireDriver(driver);
        var j = HotPaths.RunDriver(driver, "wakeup", "-n", HandOvers.ToString(CultureInfo.InvariantCulture), "-r", rounds.ToString(CultureInfo.InvariantCulture));
        return Parse(j);
    }

    /// <summary>The <see cref="Wakeup"/> of one line of the driver's wakeup mode.</summary>
    public static Wakeup Parse(JsonElement j)
    {
        var latency = j.GetProperty("wake_run_rounds_ns").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var call = j.GetProperty("wake_call_rounds_ns").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var wakeup = new Wakeup(j.GetProperty("wake_run_ns").GetDouble(), j.GetProperty("wake_call_ns").GetDouble(), latency, call, Method);
        if (!(wakeup.LatencyNs > 0) || !(wakeup.WakeCallNs > 0) || latency.Length == 0 || latency.Length != call.Length)
            throw new InvalidOperationException($"bench wakeup: not a measurement ({j})");
        return wakeup;
    }
}
