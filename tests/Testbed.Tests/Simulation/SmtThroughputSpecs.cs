// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Simulation;
using Testbed.Managed.Kernel;
using Testbed.Tests.Scheduling;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The hardware threads of one core share its execution resources: a thread whose core runs
/// k threads of the run does its local work (segments and page work) at the machine's
/// throughput(k) / k of a lone thread's speed; a thread alone on its core keeps the calibrated
/// time; the published machines carry their figures, the machines without siblings none.
/// Virtual ns only.
/// </summary>
public sealed class SmtThroughputSpecs
{
    private const double SegmentNs = 100;
    private const double PageNs = 1_000;

    // One operation: its first segment, one page of work, one point (a second segment).
    private const double OpNs = (2 * SegmentNs) + PageNs;

    // 2 cores of 2 hyper-threads, x86's numbering: CPUs 0 and 2 are core 0's, 1 and 3 core 1's.
    private static Machine TwoByTwo(SmtThroughput smt) =>
        new("test", new Topology(1, 2, 2, CpuNumbering.CoresFirst, "test values"), 7.6, 50, 120, "test values") { SmtCoreThroughput = smt };

    private static readonly SmtThroughput HyperThreads = new(new Dictionary<int, double> { [2] = 1.15 }, "test value");

    [Fact]
    public void Two_threads_on_sibling_cpus_take_longer_in_virtual_time_than_on_two_cores()
    {
        var siblings = Run(TwoByTwo(HyperThreads), 0, 2);
        var cores = Run(TwoByTwo(HyperThreads), 0, 1);

        Assert.Equal(OpNs, cores.NowOf(0), 9);
        Assert.Equal(OpNs, cores.NowOf(1), 9);
        Assert.Equal(OpNs * 2 / 1.15, siblings.NowOf(0), 9);
        Assert.Equal(OpNs * 2 / 1.15, siblings.NowOf(1), 9);
        Assert.Equal(0, siblings.TransfersOf(0) + siblings.TransfersOf(1));
    }

    [Fact]
    public void A_lone_thread_on_its_core_is_not_slowed_beside_a_shared_core()
    {
        var time = Run(TwoByTwo(HyperThreads), 0, 1, 2);

        Assert.Equal((2 / 1.15, 1.0, 2 / 1.15), (time.LocalSlowdownOf(0), time.LocalSlowdownOf(1), time.LocalSlowdownOf(2)));
        Assert.Equal(OpNs, time.NowOf(1), 9);
        Assert.True(time.NowOf(0) > time.NowOf(1));
    }

    [Fact]
    public void The_factor_comes_from_the_machine_and_a_machine_without_it_runs_siblings_at_full_speed()
    {
        var unmodelled = Run(TwoByTwo(SmtThroughput.NotModelled), 0, 2);
        Assert.Equal(OpNs, unmodelled.NowOf(0), 9);

        var faster = Run(TwoByTwo(new SmtThroughput(new Dictionary<int, double> { [2] = 1.6 }, "test value")), 0, 2);
        Assert.Equal(OpNs * 2 / 1.6, faster.NowOf(0), 9);
    }

    [Fact]
    public void The_published_machines_carry_their_cores_throughput_and_the_machines_without_siblings_none()
    {
        Assert.Equal(2 / 1.15, Machines.SkylakeSp4x192.LocalSlowdown(2), 12);
        Assert.Equal(2 / 1.15, Machines.IceLake2x128.LocalSlowdown(2), 12);
        Assert.Equal(2 / 1.6, Machines.Power8x80.LocalSlowdown(2), 12);
        Assert.Equal(8 / 1.85, Machines.Power8x80.LocalSlowdown(8), 12);
        Assert.All(Machines.Published, m => Assert.Equal(1, m.LocalSlowdown(1)));
        Assert.Equal(1, Machines.X86Vm16.Topology.ThreadsPerCore);
        Assert.Equal(1, Machines.Here(4, 100).Topology.ThreadsPerCore);
        Assert.Throws<ArgumentOutOfRangeException>(() => Machines.SkylakeSp4x192.LocalSlowdown(3));
    }

    [Fact]
    public void Between_two_published_points_the_throughput_is_linear_and_past_the_last_it_stays()
    {
        var p8 = Machines.Power8Smt;
        Assert.Equal(1, p8.Of(1));
        Assert.Equal(1.6 + (0.25 * 3 / 6), p8.Of(5), 12);
        Assert.Equal(1.85, p8.Of(8), 12);
        Assert.Equal(1.15, new SmtThroughput(new Dictionary<int, double> { [2] = 1.15 }, "test value").Of(4), 12);
        Assert.Equal(3, SmtThroughput.NotModelled.Of(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtThroughput(new Dictionary<int, double> { [2] = 2.5 }, "more than two threads' work"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SmtThroughput(new Dictionary<int, double> { [2] = 0.9 }, "less than one thread's work"));
    }

    // Each thread runs one operation alone (no shared line, no lock) on the CPU cpus names.
    private static VirtualTime Run(Machine machine, params int[] cpus)
    {
        var time = new VirtualTime(machine, cpus.Length, [SegmentNs], [PageNs], cpus);
        var bodies = new Action[cpus.Length];
        for (var t = 0; t < cpus.Length; t++)
        {
            var thread = t;
            bodies[t] = () =>
            {
                time.BeginOp(thread, 0);
                PageWork.Page(PageEvent.Unmap);
                SchedHook.Sched(SchedPoint.Preempt, null);
                time.EndOp(thread);
            };
        }
        ManagedRun.Clean(bodies, time, time.OnPage);
        return time;
    }
}
