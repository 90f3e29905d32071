// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// One controlled thread's permission to run: a count the scheduler gives and the thread
/// takes, as a semaphore, but whose wait blocks at once. SemaphoreSlim spins (yielding) before
/// it blocks; with one thread running at a time that is only waste, and with many threads
/// (the simulation's 192 on 2 cores) every waiter spinning through its yields after each
/// hand-over kept nearly all of them runnable, so the one thread that had the turn got a
/// small share of the CPU.
/// </summary>
internal sealed class Turn
{
    private readonly object gate = new();
    private int count;

    /// <summary>Adds <paramref name="n"/> permissions and wakes the waiter.</summary>
    public void Give(int n = 1)
    {
        lock (gate)
        {
            count += n;
            Monitor.Pulse(gate);
        }
    }

    /// <summary>Takes one permission, waiting up to <paramref name="timeout"/>; false when none came.</summary>
    public bool Take(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (gate)
        {
            while (count == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(gate, left) && count == 0)
                    return false;
            }
            count--;
            return true;
        }
    }
}
