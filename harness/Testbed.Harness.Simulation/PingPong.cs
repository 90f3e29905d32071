// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The cache-line transfer cost between two cores of this machine: two threads take turns
/// writing one shared counter (each waits, spinning, for the other's write, then writes),
/// so every hand-over moves the line from one core's cache to the other's. One transfer is
/// half a round trip. The OS picks the cores; on a loaded machine a thread may be descheduled
/// mid-run or share a core with its partner (a hand-over then costs a context switch, not a
/// transfer), so each round's value is its fastest block of hand-overs: the least disturbed.
/// </summary>
public static class PingPong
{
    private const int Block = 20_000;

    /// <summary>One value per round, ns per transfer.</summary>
    public static IReadOnlyList<double> Measure(int rounds, int blocks = 25)
    {
        var results = new List<double>(rounds);
        for (var r = 0; r < rounds; r++)
            results.Add(Round(blocks));
        return results;
    }

    private static double Round(int blocks)
    {
        var line = new long[16];
        var perBlock = new List<double>(blocks);
        var stop = false;
        var partner = new Thread(() =>
        {
            long expect = 1;
            while (!Volatile.Read(ref stop))
            {
                if (Interlocked.CompareExchange(ref line[8], expect + 1, expect) == expect)
                    expect += 2;
                else
                    Thread.SpinWait(1);
            }
        }) { IsBackground = true, Name = "ping-pong" };
        partner.Start();
        long mine = 0;
        for (var b = 0; b < blocks; b++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Block; i++)
            {
                while (Interlocked.CompareExchange(ref line[8], mine + 1, mine) != mine)
                    Thread.SpinWait(1);
                mine += 2;
            }
            clock.Stop();
            // Each hand-over of the block is two transfers: to the partner and back.
            perBlock.Add(clock.Elapsed.TotalNanoseconds / (2.0 * Block));
        }
        Volatile.Write(ref stop, true);
        partner.Join();
        return perBlock.Min();
    }
}
