// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Scheduling;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The rw_semaphore under the controlled scheduler follows 4.16's rwsem-xadd.c (the managed
/// port; native/tests/rwsem_test.c holds the C side to the same rules): a FIFO wait list, a
/// reader queues while it is not empty, a release grants read to the readers at its head up to
/// the first queued writer before they run, a writer spins on a writer owner (not on readers),
/// and a sleeper runs only after its waker's <see cref="SchedPoint.Wake"/>. Each schedule is
/// forced (a preference among the runnable threads), so only the lock decides who gets it.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class RwSemaphoreQueueSpecs
{
    [Fact]
    public void A_reader_that_comes_after_a_waiting_writer_takes_the_semaphore_after_it()
    {
        // t0 holds it for read, t1 asks for write (it cannot spin on readers: it sleeps in the
        // list), t2 asks for read and queues behind t1, though only readers hold it.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var order = new List<string>();
        Action[] bodies =
        [
            () =>
            {
                sem.DownRead();
                order.Add("t0 read");
                SchedHook.Sched(SchedPoint.Preempt, null);
                sem.UpRead();
            },
            Writer(sem, order, "t1 write"),
            Reader(sem, order, "t2 read"),
        ];

        var run = Run(bodies, () => order.Contains("t0 read") ? [1, 2, 0] : [0, 1, 2]);

        Assert.Equal(["t0 read", "t1 write", "t2 read"], order);
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.SemWaitWrite && d.Previous == 1);
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.SemWaitRead && d.Previous == 2);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void A_writers_release_grants_the_queued_reader_ahead_of_a_spinning_writer()
    {
        // Rule 1: t0 holds it for write; t1's read sleeps in the list, t2's write spins on t0
        // (a spinner is not in the list). t0's release grants t1 before t2 retries (the
        // preference runs the waker on, then t2 first): t2 finds a reader and sleeps in turn.
        // The old lock refused every reader while any writer waited: t2 went first.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var order = new List<string>();
        Action[] bodies =
        [
            () =>
            {
                sem.DownWrite();
                order.Add("t0 write");
                SchedHook.Sched(SchedPoint.Preempt, null);
                order.Add("t0 releasing");
                sem.UpWrite();
                order.Add("t0 released");
            },
            Reader(sem, order, "t1 read"),
            Writer(sem, order, "t2 write"),
        ];

        var run = Run(bodies, () =>
            !order.Contains("t0 write") ? [0, 1, 2]
            : !order.Contains("t0 releasing") ? [1, 2, 0]
            : !order.Contains("t0 released") ? [0, 2, 1]
            : [2, 1, 0]);

        Assert.Equal(["t0 write", "t0 releasing", "t0 released", "t1 read", "t2 write"], order);
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.SemWaitWriteOnWriter && d.Previous == 2);
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.SemWaitWrite && d.Previous == 2);
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.Wake && d.Previous == 0);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void A_sleeper_is_not_runnable_at_the_release_until_its_waker_wakes_it()
    {
        // Rules 2 and 3: t1's write sleeps behind t0's read. t0's UNLOCK does not make t1
        // runnable (a spinner would retry there); only t0's Wake on t1's wait does. The old
        // lock let every waiter of the semaphore retry at any release.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var order = new List<string>();
        Action[] bodies =
        [
            () =>
            {
                sem.DownRead();
                order.Add("t0 read");
                SchedHook.Sched(SchedPoint.Preempt, null);
                sem.UpRead();
            },
            Writer(sem, order, "t1 write"),
        ];

        var run = Run(bodies, () => order.Contains("t0 read") ? [1, 0] : [0, 1]);

        Assert.Equal(["t0 read", "t1 write"], order);
        var unlock = run.Decisions.First(d => d.Point == SchedPoint.Unlock && d.Previous == 0);
        Assert.Equal(new[] { 0 }, unlock.Enabled);
        var wake = run.Decisions.First(d => d.Point == SchedPoint.Wake && d.Previous == 0);
        Assert.True(wake.Step > unlock.Step);
        Assert.Equal(new[] { 0, 1 }, wake.Enabled);
    }

    [Fact]
    public void Downgrade_write_grants_the_readers_at_the_head_and_a_spinner_then_queues()
    {
        // t0 holds it for write; t1's read sleeps in the list; t2's write spins on t0. The
        // downgrade grants t1 next to t0; t2 finds readers, stops spinning and sleeps until
        // both have left. The old lock kept t1 out while t2 waited.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var order = new List<string>();
        Action[] bodies =
        [
            () =>
            {
                sem.DownWrite();
                order.Add("t0 write");
                SchedHook.Sched(SchedPoint.Preempt, null);
                order.Add("t0 downgrading");
                sem.DowngradeWrite();
                order.Add("t0 downgraded");
                SchedHook.Sched(SchedPoint.Preempt, null);
                order.Add("t0 up_read");
                sem.UpRead();
            },
            Reader(sem, order, "t1 read"),
            Writer(sem, order, "t2 write"),
        ];

        Run(bodies, () =>
            !order.Contains("t0 write") ? [0, 1, 2]
            : !order.Contains("t0 downgrading") ? [1, 2, 0]
            : !order.Contains("t0 downgraded") ? [0, 2, 1]
            : [2, 1, 0]);

        Assert.Equal(["t0 write", "t0 downgrading", "t0 downgraded", "t1 read", "t0 up_read", "t2 write"], order);
        Assert.False(sem.IsLocked);
    }

    [Fact]
    public void The_trylocks_fail_while_anyone_is_queued_as_4_16s_count_does()
    {
        // down_read_trylock takes it while no writer holds it and nobody is queued;
        // down_write_trylock only when it is unlocked and nobody is queued.
        var sem = new RwSemaphore(LockRank.MmapSem);
        var results = new List<string>();
        Action[] bodies =
        [
            () =>
            {
                sem.DownRead();
                results.Add($"read trylock beside a reader: {Took(sem.DownReadTrylock(), sem)}");
                SchedHook.Sched(SchedPoint.Preempt, null);
                results.Add($"read trylock with a writer queued: {Took(sem.DownReadTrylock(), sem)}");
                sem.UpRead();
            },
            Writer(sem, results, "t1 write"),
        ];

        Run(bodies, () => results.Count > 0 ? [1, 0] : [0, 1]);

        Assert.Equal(["read trylock beside a reader: True", "read trylock with a writer queued: False", "t1 write"], results);
        Assert.True(sem.DownWriteTrylock());
        Assert.False(sem.DownWriteTrylock());
        Assert.False(sem.DownReadTrylock());
        sem.UpWrite();
        Assert.False(sem.IsLocked);
    }

    // A thread that takes the semaphore for read, notes it as `name` and releases it at once.
    private static Action Reader(RwSemaphore sem, List<string> order, string name) => () =>
    {
        sem.DownRead();
        order.Add(name);
        sem.UpRead();
    };

    // A thread that takes the semaphore for write, notes it as `name` and releases it at once.
    private static Action Writer(RwSemaphore sem, List<string> order, string name) => () =>
    {
        sem.DownWrite();
        order.Add(name);
        sem.UpWrite();
    };

    private static bool Took(bool taken, RwSemaphore sem)
    {
        if (taken)
            sem.UpRead();
        return taken;
    }

    private static ControlledRun Run(Action[] bodies, Func<int[]> preference) => ManagedRun.Clean(bodies, new Forced(preference));

    // The first thread of the preference that is runnable.
    private sealed class Forced(Func<int[]> preference) : ISchedulingStrategy
    {
        public int Choose(int step, int previous, IReadOnlyList<int> enabled) => preference().First(enabled.Contains);
    }
}
