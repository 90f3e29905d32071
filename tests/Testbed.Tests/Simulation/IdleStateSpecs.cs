// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// With <see cref="WakeupChoice.Published"/> a woken sleeper's CPU leaves the idle state it
/// slept in (<see cref="Machine.SleeperIdleExitNs"/>): the deepest state whose target residency
/// fits the sleep, less the state the published pipe figure's own sleeps already hold. A short
/// sleep pays the published hand-over only, a long one the deep state's exit besides; the
/// default wake-up (measured here) is untouched. Virtual ns only.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class IdleStateSpecs
{
    private const ulong Seed = 7;
    private const int Budget = 512;

    private static readonly Wakeup Measured = new(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);

    private static readonly Calibration Fixed = TestCalibrations.Of(Budget, ["mmu"], BenchWorkloads.All,
        _ => TestCalibrations.PerKind(900, 4000, 300), () => TestCalibrations.PerKind(2900, 3000, 2300));

    [Fact]
    public void On_skylake_sp_a_short_sleep_pays_the_published_hand_over_only_and_a_long_one_c6s_exit_besides()
    {
        var skl = Machines.SkylakeSp4x192.WithWakeup(Measured, WakeupChoice.Published);
        Assert.Same(Machines.SkylakeSpIdle, skl.SleeperIdle);

        // The pipe's own sleeps (half a round trip, 2,304 ns) idle in C1 (residency 2 us): its
        // 2 us exit is in the figure already.
        Assert.Equal("C1", Machines.SkylakeSpIdle.Chosen(skl.WakeupNs)!.Name);
        Assert.Equal(0, skl.SleeperIdleExitNs(1_500));
        Assert.Equal(0, skl.SleeperIdleExitNs(19_999));
        Assert.Equal(10_000 - 2_000, skl.SleeperIdleExitNs(20_000));
        Assert.Equal(10_000 - 2_000, skl.SleeperIdleExitNs(599_999));
        Assert.Equal(133_000 - 2_000, skl.SleeperIdleExitNs(600_000));
        Assert.Equal(133_000 - 2_000, skl.SleeperIdleExitNs(2_630_000));
        Assert.Contains("skx_cstates", skl.WakeupSource);
    }

    [Fact]
    public void On_power8_a_sleep_past_naps_residency_pays_naps_exit_and_fastsleep_is_out_of_reach()
    {
        var p8 = Machines.Power8x80.WithWakeup(Measured, WakeupChoice.Published);

        // The pipe's sleeps (3,007 ns) snooze: nothing held in the figure.
        Assert.Null(Machines.Power8Idle.Chosen(p8.WakeupNs));
        Assert.Equal(0, p8.SleeperIdleExitNs(99_999));
        Assert.Equal(4_000, p8.SleeperIdleExitNs(100_000));
        Assert.Equal(4_000, p8.SleeperIdleExitNs(299_999_999));
        Assert.Contains("power8_cpu_idle_states", p8.WakeupSource);
    }

    [Fact]
    public void The_measured_wake_up_adds_no_exit_latency()
    {
        foreach (var m in new[] { Machines.SkylakeSp4x192, Machines.Power8x80 })
        {
            Assert.NotNull(m.WithWakeup(Measured).SleeperIdle);
            var measured = m.WithWakeup(Measured, WakeupChoice.Measured);
            Assert.Null(measured.SleeperIdle);
            Assert.Equal(0, measured.SleeperIdleExitNs(10_000_000));
        }
    }

    [Fact]
    public void Idle_states_go_shallowest_first()
    {
        Assert.Throws<ArgumentException>(() => new IdleStates([new("deep", 100, 1_000), new("shallow", 1, 10)], "test values"));
        Assert.Throws<ArgumentException>(() => new IdleStates([], "test values"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdleState("bad", -1, 0));
    }

    [Fact]
    public void In_the_engine_a_long_sleep_pays_the_deep_states_exit_and_only_with_the_published_wake_up()
    {
        var pipe = new PublishedWakeup(2_000, 1.0, "test values");
        var plain = new Machine("test", 8, 2, 50, 120, "test values") { OwnWakeup = pipe };
        // A state every sleep longer than the pipe's own 1,000 ns enters, with a 1 ms exit, and
        // one no sleep reaches.
        var deep = plain with { OwnIdleStates = new IdleStates([new("deep", 1_000_000, 1_001)], "test values") };
        var unreached = plain with { OwnIdleStates = new IdleStates([new("deep", 1_000_000, 1e12)], "test values") };
        SimResult Run(Machine m, WakeupChoice choice) =>
            new SimulationStudy(Fixed, Seed, Budget, AddressSpaceFactory.Managed, wakeup: choice).Simulate(BenchWorkload.Ebizzy, "mmu", 4, m);
        static (double, double, double, long) Times(SimResult r) => (r.MakespanNs, r.WaitNs, r.SleepNs, r.Sleeps);

        var without = Run(plain, WakeupChoice.Published);
        Assert.True(without.Sleeps > 0);
        Assert.Equal(Times(without), Times(Run(unreached, WakeupChoice.Published)));
        var with = Run(deep, WakeupChoice.Published);
        Assert.True(with.SleepNs >= without.SleepNs + 1_000_000, $"{with.SleepNs} ns asleep against {without.SleepNs} ns");
        Assert.Equal(Times(Run(plain, WakeupChoice.Measured)), Times(Run(deep, WakeupChoice.Measured)));
    }
}
