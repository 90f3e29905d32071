// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>The perf-flavour C driver (native/bench) the calibration's measuring modes run.</summary>
internal static class BenchDriver
{
    /// <summary>The built driver.</summary>
    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root(), "build", "native", "perf", "bench");

    /// <summary>The driver run with <paramref name="arguments"/> exits 2, prints nothing and names <paramref name="message"/>.</summary>
    public static void AssertRefuses(string message, string[] arguments)
    {
        var run = ChildProcess.Run(Path, arguments, TimeSpan.FromMinutes(1));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Equal("", run.Stdout);
    }
}
