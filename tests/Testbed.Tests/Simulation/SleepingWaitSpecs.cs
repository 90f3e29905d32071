// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Testbed.Tests.Scheduling;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// What a blocked acquisition costs in virtual time, by the kernel's lock (4.16): a reader of
/// the rw_semaphore (mmap_sem) behind a writer sleeps and pays one wake-up (the sleeper its
/// wake → run latency, the releaser its wake call); a writer behind a writer spins on it, and
/// a spinlock_t waiter spins: the wait only. Two threads, the model's own lock types, the
/// controlled scheduler with <see cref="VirtualTime"/>; counts and virtual ns, never wall time.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class SleepingWaitSpecs
{
    private const double WakeupNs = TestCalibrations.WakeupNs;
    private const double WakeCallNs = TestCalibrations.WakeCallNs;
    private const double HoldNs = 1000;

    private static readonly Machine Two = new Machine("test", 2, 1, 50, 50, "test values")
        .WithWakeup(TestCalibrations.Wakeup);

    [Fact]
    public void A_read_of_mmap_sem_blocked_behind_a_writer_sleeps_and_pays_one_wake_up()
    {
        var sem = new RwSemaphore(LockRank.MmapSem);

        var time = Run(sem.DownWrite, sem.UpWrite, sem.DownRead, sem.UpRead, out var points);

        Assert.Contains(SchedPoint.SemWaitRead, points);
        Assert.Equal(1, time.Sleeps);
        Assert.Equal(WakeupNs + WakeCallNs, time.SleepNs);
        Assert.True(time.WaitNs >= HoldNs + WakeupNs, $"waited {time.WaitNs} ns");
    }

    [Fact]
    public void A_write_of_mmap_sem_blocked_behind_a_writer_spins_and_pays_the_wait_only()
    {
        var sem = new RwSemaphore(LockRank.MmapSem);

        var time = Run(sem.DownWrite, sem.UpWrite, sem.DownWrite, sem.UpWrite, out var points);

        Assert.Contains(SchedPoint.SemWaitWriteOnWriter, points);
        Assert.Equal(0, time.Sleeps);
        Assert.Equal(0, time.SleepNs);
        Assert.True(time.WaitNs >= HoldNs, $"waited {time.WaitNs} ns");
    }

    [Fact]
    public void A_blocked_spinlock_spins_and_pays_the_wait_only()
    {
        var ptl = new SpinLockT(LockRank.PageTableLock);

        var time = Run(ptl.Lock, ptl.Unlock, ptl.Lock, ptl.Unlock, out var points);

        Assert.Contains(SchedPoint.Blocked, points);
        Assert.DoesNotContain(points, p => p is SchedPoint.SemWaitRead or SchedPoint.SemWaitWrite or SchedPoint.SemWaitWriteOnWriter);
        Assert.Equal(0, time.Sleeps);
        Assert.Equal(0, time.SleepNs);
        Assert.True(time.WaitNs >= HoldNs, $"waited {time.WaitNs} ns");
    }

    // t0 takes the lock and holds it for HoldNs of local work; t1, whose clock is then the
    // earlier, tries it and blocks; t0 releases, t1 takes it.
    private static VirtualTime Run(Action take, Action release, Action takeToo, Action releaseToo, out List<SchedPoint> points)
    {
        var time = new VirtualTime(Two, 2, [HoldNs / 2]);
        var seen = new List<SchedPoint>();
        Action[] bodies =
        [
            () =>
            {
                take();
                time.BeginOp(0, 0);
                SchedHook.Sched(SchedPoint.Preempt, null);
                release();
                time.EndOp(0);
            },
            () =>
            {
                takeToo();
                releaseToo();
            },
        ];
        var run = ManagedRun.Clean(bodies, time);
        seen.AddRange(run.Decisions.Where(d => d.Previous == 1 && d.Point is not null).Select(d => d.Point!.Value));
        points = seen;
        return time;
    }
}
