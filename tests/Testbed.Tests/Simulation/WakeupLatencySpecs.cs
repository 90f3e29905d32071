// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Kernel;
using Testbed.Harness.Simulation;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The wake-up of a sleeper (native/bench's wakeup mode) on this machine's real kernel: a
/// positive wake → run and wake call from hand-overs whose receiver really slept, bad input
/// refused with a message and exit 2, and the machines take the measured wake-up (none published).
/// </summary>
public sealed class WakeupLatencySpecs
{
    private static readonly string Driver = Path.Combine(RepoPaths.Root(), "build", "native", "perf", "bench");

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
    public void The_wakeup_mode_refuses_bad_input(string message, params string[] arguments)
    {
        var run = ChildProcess.Run(Driver, arguments, TimeSpan.FromMinutes(1));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_missing_driver_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => WakeupLatency.Measure("/nonexistent/bench", 1));
        Assert.Contains("/nonexistent/bench", e.Message);
    }

    [Fact]
    public void Every_published_machine_takes_the_wake_up_measured_here()
    {
        var wakeup = new Wakeup(15_333, 8_132, [15_333], [8_132], WakeupLatency.Method);
        foreach (var machine in Machines.Published)
        {
            Assert.Equal(0, machine.WakeupNs);
            Assert.Equal(0, machine.WakeCallNs);
            var woken = machine.WithWakeup(wakeup);
            Assert.Equal((15_333.0, 8_132.0), (woken.WakeupNs, woken.WakeCallNs));
            Assert.Equal(machine.Topology, woken.Topology);
        }
    }
}
