// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Simulation;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The wake-up of a sleeper (native/bench's wakeup mode) on this machine's real kernel: a
/// positive wake → run and wake call from hand-overs whose receiver really slept, bad input
/// refused with a message and exit 2; with <see cref="WakeupChoice.Measured"/> every machine takes
/// the measured wake-up, and by default (<see cref="WakeupChoice.Published"/>) a machine with a
/// perf bench sched pipe figure of its family its own.
/// </summary>
public sealed class WakeupLatencySpecs
{
    private static readonly string Driver = BenchDriver.Path;

    [Fact]
    public void The_wakeup_mode_times_futex_hand_overs_between_two_pinned_threads()
    {
        var run = ChildProcess.Run(Driver, ["wakeup", "-n", "200", "-r", "3"], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, $"bench wakeup exited {run.ExitCode}: {run.Stderr}");
        using var doc = JsonDocument.Parse(run.Stdout);
        var j = doc.RootElement;

        var wakeup = WakeupLatency.Parse(j);
        Assert.Equal(3, wakeup.LatencyRoundsNs.Count);
        Assert.Equal(3, wakeup.WakeCallRoundsNs.Count);
        Assert.All(wakeup.LatencyRoundsNs, ns => Assert.True(ns > 0, $"{ns} ns in {run.Stdout}"));
        Assert.All(wakeup.WakeCallRoundsNs, ns => Assert.True(ns > 0, $"{ns} ns in {run.Stdout}"));
        // The median of the rounds is one of them (an odd count).
        Assert.Contains(wakeup.LatencyNs, wakeup.LatencyRoundsNs);
        Assert.Contains(wakeup.WakeCallNs, wakeup.WakeCallRoundsNs);
        // Two distinct CPUs; at most every hand-over but the very first slept (3 rounds x 2 threads x 200).
        var cpus = j.GetProperty("cpus").EnumerateArray().Select(c => c.GetInt32()).ToArray();
        Assert.Equal(2, cpus.Distinct().Count());
        Assert.True(j.GetProperty("slept").GetInt64() is >= 1 and <= 3 * 2 * 200, run.Stdout);
        Assert.Equal(WakeupLatency.Method, wakeup.Method);
    }

    [Theory]
    [InlineData("-n: '12x' is not a number", "wakeup", "-n", "12x")]
    [InlineData("-n: '0' is not a number", "wakeup", "-n", "0")]
    [InlineData("-n: at most", "wakeup", "-n", "99999999")]
    [InlineData("-r: '65' is not a number", "wakeup", "-r", "65")]
    [InlineData("usage: bench", "wakeup", "-w", "pft")]
    [InlineData("usage: bench", "wakeup", "-l", "lib.so")]
    [InlineData("usage: bench", "wakeup", "extra")]
    public void The_wakeup_mode_refuses_bad_input(string message, params string[] arguments) =>
        BenchDriver.AssertRefuses(message, arguments);

    [Fact]
    public void A_missing_driver_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WakeupLatency.Measure("/nonexistent/bench", 1));
        Assert.Contains("/nonexistent/bench", e.Message);
    }

    [Fact]
    public void With_measured_every_machine_takes_the_wake_up_measured_here()
    {
        var wakeup = new Wakeup(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);
        foreach (var machine in Machines.Published.Prepend(Machines.Here(2, 40)))
        {
            Assert.Equal((0.0, 0.0), (machine.WakeupNs, machine.WakeCallNs));
            var woken = machine.WithWakeup(wakeup, WakeupChoice.Measured);
            Assert.Equal((15_333.0, 8_132.0), (woken.WakeupNs, woken.WakeCallNs));
            Assert.Equal(machine.Topology, woken.Topology);
            Assert.StartsWith("--wakeup measured: measured here", woken.WakeupSource);
        }
        // The bare-metal machines name the figure they leave out and why.
        var skl = Machines.SkylakeSp4x192.WithWakeup(wakeup, WakeupChoice.Measured);
        Assert.Contains("a VM's hand-over given to a bare-metal machine", skl.WakeupSource);
        Assert.Contains("wake -> run 2304 ns, wake call 2115 ns", skl.WakeupSource);
        Assert.Contains("wake -> run 3007 ns, wake call 3007 ns", Machines.Power8x80.WithWakeup(wakeup, WakeupChoice.Measured).WakeupSource);
    }

    [Fact]
    public void By_default_the_bare_metal_machines_take_their_familys_published_figure_and_the_others_the_one_measured_here()
    {
        var wakeup = new Wakeup(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);
        foreach (var machine in Machines.Published.Prepend(Machines.Here(2, 40)))
        {
            var byDefault = machine.WithWakeup(wakeup);
            var published = machine.WithWakeup(wakeup, WakeupChoice.Published);
            Assert.Equal((published.WakeupNs, published.WakeCallNs, published.WakeupSource), (byDefault.WakeupNs, byDefault.WakeCallNs, byDefault.WakeupSource));
            Assert.Equal(machine.OwnWakeup is null, byDefault.WakeupNs == 15_333.0);
        }
    }

    [Fact]
    public void A_machine_without_a_published_figure_of_its_family_takes_the_wake_up_measured_here_whatever_the_choice()
    {
        var wakeup = new Wakeup(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);
        foreach (var machine in new[] { Machines.Here(2, 40), Machines.X86Vm16, Machines.IceLake2x128 })
        {
            Assert.Null(machine.OwnWakeup);
            Assert.NotEqual("", machine.WakeupNote);
            foreach (var choice in Enum.GetValues<WakeupChoice>())
            {
                var woken = machine.WithWakeup(wakeup, choice);
                Assert.Equal((15_333.0, 8_132.0), (woken.WakeupNs, woken.WakeCallNs));
                Assert.Equal($"--wakeup {choice.Name()}: measured here (native/bench wakeup): {machine.WakeupNote}", woken.WakeupSource);
            }
        }
    }

    [Fact]
    public void With_published_a_bare_metal_machine_takes_its_own_wake_up_from_the_named_perf_bench_sched_pipe_figure()
    {
        var measured = new Wakeup(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);
        var other = measured with { LatencyNs = 99_999, WakeCallNs = 77_777 };
        const WakeupChoice published = WakeupChoice.Published;

        // lkp-csl-2sp10 (Cascade Lake, 4 sockets, 192 CPUs): 217,049 round trips/s, 91.83 % of a CPU busy.
        var skl = Machines.SkylakeSp4x192.WithWakeup(measured, published);
        Assert.Same(Machines.CascadeLakePipe, skl.OwnWakeup);
        Assert.Equal(1e9 / 217_049 / 2, skl.WakeupNs, 6);
        Assert.Equal(1e9 / 217_049 * 0.9183 / 2, skl.WakeCallNs, 6);
        Assert.StartsWith("--wakeup published: kernel test robot", skl.WakeupSource);
        Assert.Contains("202508251419.d8117ed7-lkp@intel.com", skl.WakeupSource);
        Assert.Contains("Cascade Lake", skl.WakeupSource);

        // A Power8 LPAR: 6.013963 usecs/op, no busy share: the call bounded by the hand-over.
        var p8 = Machines.Power8x80.WithWakeup(measured, published);
        Assert.Same(Machines.Power8Pipe, p8.OwnWakeup);
        Assert.Equal(6_013.963 / 2, p8.WakeupNs, 6);
        Assert.Equal(6_013.963 / 2, p8.WakeCallNs, 6);
        Assert.Contains("20200810071834.92514-1-srikar@linux.vnet.ibm.com", p8.WakeupSource);

        // The measurement here does not reach them.
        Assert.Equal((skl.WakeupNs, skl.WakeCallNs), (Machines.SkylakeSp4x192.WithWakeup(other, published).WakeupNs, Machines.SkylakeSp4x192.WithWakeup(other, published).WakeCallNs));
        Assert.Equal((p8.WakeupNs, p8.WakeCallNs), (Machines.Power8x80.WithWakeup(other, published).WakeupNs, Machines.Power8x80.WithWakeup(other, published).WakeCallNs));
    }

    [Fact]
    public void The_wake_up_choices_are_named_as_the_command_line_takes_them()
    {
        Assert.Equal(["measured", "published"], WakeupChoices.Names);
        foreach (var choice in Enum.GetValues<WakeupChoice>())
            Assert.Equal(choice, WakeupChoices.Parse(choice.Name()));
        var e = Assert.Throws<ArgumentException>(() => WakeupChoices.Parse("pipe"));
        Assert.Contains("unknown wake-up choice 'pipe'; known: measured, published", e.Message);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(double.NaN, null)]
    [InlineData(double.PositiveInfinity, null)]
    [InlineData(4_000, 0.0)]
    [InlineData(4_000, 2.5)]
    public void A_published_wake_up_refuses_a_figure_that_is_not_one(double roundTripNs, double? busyCpus)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PublishedWakeup(roundTripNs, busyCpus, "test"));
    }

    [Fact]
    public void A_published_wake_up_states_its_derivation()
    {
        var own = new PublishedWakeup(4_000, 0.5, "test");
        Assert.Equal((2_000.0, 1_000.0), (own.LatencyNs, own.WakeCallNs));
        Assert.Equal("wake -> run = 4000 / 2 = 2000 ns; wake call <= one task's busy time = 4000 x 0.5000 / 2 = 1000 ns", own.Derivation);
        Assert.Contains("no busy share published", new PublishedWakeup(4_000, null, "test").Derivation);
    }
}
