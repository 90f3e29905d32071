// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Simulation;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// What each further 4 KiB of a bigger page costs a fault (native/bench's zero mode), on this
/// machine's real kernel: a transparent huge page's fault dearer than a 4 KiB one, the rounds
/// positive and their median among them, bad input refused with a message and exit 2.
/// </summary>
public sealed class PageZeroingSpecs
{
    private static readonly string Driver = BenchDriver.Path;

    [Fact]
    public void The_zero_mode_times_a_huge_pages_fault_against_the_4_kib_faults_of_the_same_2_mib()
    {
        var run = ChildProcess.Run(Driver, ["zero", "-n", "4", "-r", "3"], TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, $"bench zero exited {run.ExitCode}: {run.Stderr}");
        using var doc = JsonDocument.Parse(run.Stdout);

        var z = PageZeroing.Parse(doc.RootElement, DateTimeOffset.UtcNow);
        Assert.Equal(3, z.RoundsNs.Count);
        Assert.All(z.RoundsNs, ns => Assert.True(ns > 0, $"{ns} ns in {run.Stdout}"));
        Assert.Contains(z.PerFurther4KiBNs, z.RoundsNs);
        Assert.True(z.HugeFaultNs > z.Fault4KiBNs, run.Stdout);
        Assert.Equal(4, doc.RootElement.GetProperty("huge_pages").GetInt32());
        Assert.Equal(PageZeroing.How, z.Method);
    }

    [Fact]
    public void A_line_that_is_not_a_measurement_is_refused()
    {
        using var doc = JsonDocument.Parse("""
            {"kind":"zero","release":"x","huge_pages":1,"repeats":1,"huge_fault_ns":900,"fault_4k_ns":1000,"per_further_4k_ns":-0.2,"per_further_4k_rounds_ns":[-0.2]}
            """);
        var e = Assert.Throws<InvalidOperationException>(() => PageZeroing.Parse(doc.RootElement, DateTimeOffset.UtcNow));
        Assert.Contains("bench zero: not a measurement", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-n: '0' is not a number", "zero", "-n", "0")]
    [InlineData("-n: at most", "zero", "-n", "5000")]
    [InlineData("-r: '65' is not a number", "zero", "-r", "65")]
    [InlineData("usage: bench", "zero", "-w", "pft")]
    [InlineData("usage: bench", "zero", "extra")]
    public void The_zero_mode_refuses_bad_input(string message, params string[] arguments) =>
        BenchDriver.AssertRefuses(message, arguments);
}
