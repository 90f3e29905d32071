// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Scheduling;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// What 4.16's rw_semaphore hand-overs cost in virtual time (the model's own lock under the
/// controlled scheduler with <see cref="VirtualTime"/>): a release wakes its sleepers one
/// after another, the k-th runnable k wake calls after the release (rule 4); a woken writer is
/// not granted the lock: a writer that comes meanwhile takes it, and the woken one sleeps
/// again and pays a second wake-up (rule 3); a writer spinning on a writer owner steals the
/// lock at its release ahead of the queued, woken sleeper (rule 2). Counts, order and virtual
/// ns, never wall time.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class RwSemaphoreWakeSpecs
{
    private const double WakeupNs = TestCalibrations.WakeupNs;
    private const double WakeCallNs = TestCalibrations.WakeCallNs;

    private static readonly Machine Four = new Machine("test", 4, 1, 50, 50, "test values")
        .WithWakeup(TestCalibrations.Wakeup);

    [Fact]
    public void A_writers_release_wakes_the_queued_readers_one_after_another()
    {
        // t0 holds it for write; t3, t2, t1 arrive in that order and sleep; its release grants
        // all three and wakes them in queue order, each one wake call after the one before.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var time = new VirtualTime(Four, 4, [5000, 3000, 2000, 1000]);
        var order = new List<int>();
        var ranAt = new double[4];
        var releasedAt = 0.0;
        Action Reader(int t) => () =>
        {
            time.BeginOp(t, t);
            sem.DownRead();
            order.Add(t);
            ranAt[t] = time.Clocks[t].Now;
            SchedHook.Sched(SchedPoint.Preempt, null);
            sem.UpRead();
            time.EndOp(t);
        };

        Run(time,
            () =>
            {
                sem.DownWrite();
                time.BeginOp(0, 0);
                SchedHook.Sched(SchedPoint.Preempt, null);
                sem.UpWrite();
                releasedAt = time.Clocks[0].Now;
                time.EndOp(0);
            },
            Reader(1), Reader(2), Reader(3));

        Assert.Equal([3, 2, 1], order);
        Assert.Equal(3, time.Sleeps);
        Assert.Equal(3 * (WakeupNs + WakeCallNs), time.SleepNs);
        Assert.Equal(WakeCallNs, ranAt[2] - ranAt[3], 6);
        Assert.Equal(WakeCallNs, ranAt[1] - ranAt[2], 6);
        // the first reader runs its wake → run latency after the first of t0's three calls began
        // (the measured latency holds the waker's call), not after that call ended
        Assert.Equal(WakeupNs - (3 * WakeCallNs), ranAt[3] - releasedAt, 6);
    }

    [Fact]
    public void A_woken_writer_robbed_by_a_newcomer_sleeps_again_and_pays_a_second_wake_up()
    {
        // t0 holds it for read; t1's write sleeps (no spinning on readers). t0's release wakes
        // t1, which runs WakeupNs later; t2's write comes in between and takes the free lock
        // (the owner still reads "readers": it queues, and finds no holder). t1 finds it
        // held, sleeps again, and t2's release wakes it a second time.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var time = new VirtualTime(Four, 3, [500, 1000]);
        var order = new List<int>();

        Run(time, ReadHolder(sem, time, order), Writer(sem, time, order, 1, kind: -1, holds: 1), Writer(sem, time, order, 2, kind: 1, holds: 3));

        Assert.Equal([0, 2, 1], order);
        Assert.Equal(2, time.Sleeps);
        Assert.Equal(2 * (WakeupNs + WakeCallNs), time.SleepNs);
    }

    [Fact]
    public void A_spinning_writer_steals_the_lock_ahead_of_the_woken_queued_writer()
    {
        // As above, and t3's write comes while t2 holds it: t3 spins on t2 (a running writer)
        // and takes the lock at t2's release, before t1, woken there, has run; t1 sleeps a
        // third time.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var time = new VirtualTime(Four, 4, [500, 1000, 1500]);
        var order = new List<int>();

        Run(time, ReadHolder(sem, time, order), Writer(sem, time, order, 1, kind: -1, holds: 1),
            Writer(sem, time, order, 2, kind: 1, holds: 3), Writer(sem, time, order, 3, kind: 2, holds: 3));

        Assert.Equal([0, 2, 3, 1], order);
        Assert.Equal(3, time.Sleeps);
    }

    // t0 takes it for read at 0 and holds it two segments of kind 0.
    private static Action ReadHolder(RwSemaphore sem, VirtualTime time, List<int> order) => () =>
    {
        sem.DownRead();
        order.Add(0);
        time.BeginOp(0, 0);
        SchedHook.Sched(SchedPoint.Preempt, null);
        sem.UpRead();
        time.EndOp(0);
    };

    // Thread t arrives after two segments of its kind (none: at once), takes it for write and
    // holds it `holds` segments.
    private static Action Writer(RwSemaphore sem, VirtualTime time, List<int> order, int t, int kind, int holds) => () =>
    {
        if (kind >= 0)
        {
            time.BeginOp(t, kind);
            SchedHook.Sched(SchedPoint.Preempt, null);
        }
        sem.DownWrite();
        order.Add(t);
        for (var i = 0; i < holds; i++)
            SchedHook.Sched(SchedPoint.Preempt, null);
        sem.UpWrite();
        if (kind >= 0)
            time.EndOp(t);
    };

    private static void Run(VirtualTime time, params Action[] bodies) => ManagedRun.Clean(bodies, time);
}
