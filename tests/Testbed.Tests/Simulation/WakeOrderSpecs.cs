// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Scheduling;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The waiters one release lets go take the lock in the order they began to wait, as 4.16's
/// locks serve their queues (rw_semaphore's FIFO wait list, whose readers the release wakes one
/// after another from the head; qspinlock's MCS queue, whose spinners resume together and retry
/// in that order), not in CPU-number order. Three waiters queue behind a holder in
/// the reverse of their numbers (t3, then t2, then t1); the controlled scheduler with
/// <see cref="VirtualTime"/>; counts, order and virtual ns, never wall time.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class WakeOrderSpecs
{
    private const double HoldNs = 10_000;

    private static readonly Machine Four = new Machine("test", 4, 1, 50, 50, "test values")
        .WithWakeup(TestCalibrations.Wakeup);

    [Fact]
    public void Readers_a_writers_release_wakes_take_mmap_sem_in_queue_order()
    {
        var sem = new RwSemaphore(LockRank.MmapSem);

        var (order, time) = Run(sem.DownWrite, sem.UpWrite, sem.DownRead, sem.UpRead);

        // All three slept behind the writer and were woken by its one release.
        Assert.Equal(3, time.Sleeps);
        Assert.Equal([3, 2, 1], order);
    }

    [Fact]
    public void Spinlock_waiters_take_the_lock_in_queue_order()
    {
        var ptl = new SpinLockT(LockRank.PageTableLock);

        // t3 takes it at the holder's release; t2 and t1, whose retries failed, spin on and
        // resume together at t3's release, where t2 (queued before t1) goes first.
        var (order, time) = Run(ptl.Lock, ptl.Unlock, ptl.Lock, ptl.Unlock);

        Assert.Equal(0, time.Sleeps);
        Assert.Equal([3, 2, 1], order);
    }

    [Fact]
    public void The_same_queue_gives_the_same_order_and_the_same_virtual_times()
    {
        (List<int> Order, double WaitNs, double SleepNs) Once()
        {
            var sem = new RwSemaphore(LockRank.MmapSem);
            var (order, time) = Run(sem.DownWrite, sem.UpWrite, sem.DownRead, sem.UpRead);
            return (order, time.WaitNs, time.SleepNs);
        }

        var first = Once();
        var second = Once();
        Assert.Equal(first.Order, second.Order);
        Assert.Equal(first.WaitNs, second.WaitNs);
        Assert.Equal(first.SleepNs, second.SleepNs);
        Assert.True(first.WaitNs > 0);
    }

    // t0 takes the lock at 0 and holds it HoldNs; t1, t2, t3 arrive at it (each after its own
    // local work: t3 first, t1 last) while it is held and wait; t0's release wakes them
    // together. Returns the order in which the waiters got the lock.
    private static (List<int> Order, VirtualTime Time) Run(Action hold, Action release, Action take, Action drop)
    {
        // Kind 0: the holder's two segments; kinds 1-3: the waiters' arrival delays, t3's the shortest.
        var time = new VirtualTime(Four, 4, [HoldNs / 2, 3000, 2000, 1000]);
        var order = new List<int>();
        Action Waiter(int t) => () =>
        {
            time.BeginOp(t, t);
            take();
            order.Add(t); // only one thread runs at a time: no lock needed
            SchedHook.Sched(SchedPoint.Preempt, null);
            drop();
            time.EndOp(t);
        };
        Action[] bodies =
        [
            () =>
            {
                hold();
                time.BeginOp(0, 0);
                SchedHook.Sched(SchedPoint.Preempt, null);
                release();
                time.EndOp(0);
            },
            Waiter(1),
            Waiter(2),
            Waiter(3),
        ];
        ManagedRun.Clean(bodies, time);
        return (order, time);
    }
}
