// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What a sleep on a lock costs besides its wait, measured on this machine: two threads hand
/// a turn back and forth, each sleeping (Monitor.Wait: the runtime's condition variable, a
/// futex wait on Linux) until the other wakes it (Monitor.Pulse: a futex wake). Per hand-over
/// the waker's clock is read just before the wake; the sleeper reads the clock as soon as it
/// runs again (wake → run: the wake-up path on the waker's CPU, the IPI and the sleeper's
/// schedule-in), and the waker times its own wake call (the part its CPU pays). Each round's
/// value is the median of its hand-overs; the calibration keeps the median of the rounds and
/// every round. On a loaded machine the sleeper may wait for its CPU behind other work: the
/// value is this machine's, as measured, never adjusted.
/// </summary>
public static class WakeupLatency
{
    /// <summary>How the numbers were taken, for the calibration file.</summary>
    public const string Method =
        "two threads hand a turn back and forth, each sleeping in Monitor.Wait (a futex wait) until the other's Monitor.Pulse " +
        "(a futex wake); wake -> run = the sleeper's clock when it runs again minus the waker's just before the wake; " +
        "wake call = the waker's time in the wake; per round the median of its hand-overs, then the median of the rounds";

    private const int HandOvers = 2_000;

    /// <summary>Measures <paramref name="rounds"/> rounds.</summary>
    public static Wakeup Measure(int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var latency = new List<double>(rounds);
        var call = new List<double>(rounds);
        for (var r = 0; r < rounds; r++)
        {
            var (l, c) = Round();
            latency.Add(l);
            call.Add(c);
        }
        return new Wakeup(Median(latency), Median(call), latency, call, Method);
    }

    private static (double Latency, double Call) Round()
    {
        var gate = new object();
        var turn = 0;
        long wokenAt = 0;
        var latency = new double[2][];
        var call = new double[2][];
        void Player(int me)
        {
            latency[me] = new double[HandOvers];
            call[me] = new double[HandOvers];
            for (var i = 0; i < HandOvers; i++)
            {
                lock (gate)
                {
                    while (turn != me)
                        Monitor.Wait(gate);
                }
                var ran = Stopwatch.GetTimestamp();
                // The first turn of player 0 was not a wake-up.
                latency[me][i] = me == 0 && i == 0 ? double.NaN : Stopwatch.GetElapsedTime(Volatile.Read(ref wokenAt), ran).TotalNanoseconds;
                var before = Stopwatch.GetTimestamp();
                lock (gate)
                {
                    Volatile.Write(ref wokenAt, before);
                    turn = 1 - me;
                    Monitor.Pulse(gate);
                }
                call[me][i] = Stopwatch.GetElapsedTime(before).TotalNanoseconds;
            }
        }
        var partner = new Thread(() => Player(1)) { IsBackground = true, Name = "wake-up ping-pong" };
        partner.Start();
        Player(0);
        partner.Join();
        return (Median([.. latency.SelectMany(x => x).Where(v => !double.IsNaN(v))]), Median([.. call.SelectMany(x => x)]));
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
