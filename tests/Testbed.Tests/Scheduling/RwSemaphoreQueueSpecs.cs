// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Scheduling;
using Testbed.Managed;
using Testbed.Managed.Kernel;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The rw_semaphore under the controlled scheduler behaves as the kernel's (and as its own
/// uncontrolled path): a writer that has to wait queues, and a reader that comes after it waits
/// behind it instead of overtaking it. The schedule is forced: t0 holds the semaphore for read,
/// then t1 asks for write (and must wait), then t2 asks for read, then t0 releases.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class RwSemaphoreQueueSpecs
{
    [Fact]
    public void A_reader_that_comes_after_a_waiting_writer_takes_the_semaphore_after_it()
    {
        var sem = new RwSemaphore(LockRank.MmapSem);
        var order = new List<string>();
        var holding = false;
        Action[] bodies =
        [
            () =>
            {
                sem.DownRead();
                order.Add("t0 read");
                holding = true;
                SchedHook.Sched(SchedPoint.Preempt, null);
                sem.UpRead();
            },
            () =>
            {
                sem.DownWrite();
                order.Add("t1 write");
                sem.UpWrite();
            },
            () =>
            {
                sem.DownRead();
                order.Add("t2 read");
                sem.UpRead();
            },
        ];

        ControlledRun run;
        using (SchedulerHooks.Install(AddressSpaceFactory.Managed, "mmu"))
            run = ControlledScheduler.Run(bodies, new Forced(() => holding));

        Assert.Null(run.SchedulerFailure);
        Assert.All(run.Errors, e => Assert.Null(e));
        Assert.Equal(["t0 read", "t1 write", "t2 read"], order);
        // t2's read found the writer queued: 4.16's reader sleeps there.
        Assert.Contains(run.Decisions, d => d.Point == SchedPoint.SemWaitRead && d.Previous == 2);
    }

    // t0 until it holds the semaphore, then t1, t2, t0 in that order of preference.
    private sealed class Forced(Func<bool> holding) : ISchedulingStrategy
    {
        public int Choose(int step, int previous, IReadOnlyList<int> enabled)
        {
            int[] preference = holding() ? [1, 2, 0] : [0, 1, 2];
            return preference.First(enabled.Contains);
        }
    }
}
