// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using Testbed.Harness.Concurrent;
using Xunit;

namespace Testbed.Tests.Cli;

/// <summary>
/// SIGINT and SIGTERM to the real CLI with live workers: to the CLI alone (kill PID) and
/// to its whole process group (Ctrl-C in a terminal), at every phase of a run. The
/// CLI's <c>TESTBED_TEST_PHASE</c> hook holds it (or its worker) at the phase until the
/// signal arrives, so each case hits its phase every time, whatever the load. Every
/// case: the CLI exits 128 + the signal, no worker outlives it, no ring file is left.
/// </summary>
public sealed partial class SignalSpecs
{
    private const int Sigint = 2;
    private const int Sigterm = 15;

    // A hang guard, not a timing assertion: generous, as the suite runs QEMU and
    // sanitizer children beside these tests.
    private static readonly TimeSpan ExitGuard = TimeSpan.FromSeconds(90);

    public static TheoryData<string, int, bool> Phases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var phase in TestPhase.All)
        {
            data.Add(phase, Sigint, false);
            data.Add(phase, Sigterm, false);
            data.Add(phase, Sigint, true);
        }

        return data;
    }

    [Theory]
    [InlineData(Sigint, 130)]
    [InlineData(Sigterm, 143)]
    [InlineData(9, 128 + 9)]
    public void A_signal_to_the_cli_alone_ends_every_worker_and_removes_the_ring_files(int signal, int exitCode)
    {
        using var cli = CliProcess.Start(LongStress);
        Assert.True(WaitFor(() => cli.Workers().Count > 0 && cli.RingFiles().Count > 0, TimeSpan.FromSeconds(60)),
            $"no worker started: {cli.Stdout}\n{cli.Stderr}");

        Assert.Equal(0, Kill(cli.Id, signal));

        Assert.Equal(exitCode, cli.WaitForExit(ExitGuard));
        AssertNothingLeft(cli);
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void A_signal_at_each_phase_of_a_run_ends_the_cli_and_leaves_nothing(string phase, int signal, bool toGroup)
    {
        // The report and worker-exited phases come after a worker has finished: a short run.
        string[] args = phase is TestPhase.Report or TestPhase.WorkerExited ? ShortStress : LongStress;
        using var cli = CliProcess.Start(new Dictionary<string, string> { [TestPhase.Variable] = phase }, args);
        Assert.True(WaitFor(() => Reached(cli, phase), TimeSpan.FromSeconds(60)),
            $"phase {phase} not reached: {cli.Stdout}\n{cli.Stderr}");

        // setsid made the CLI the leader of its own group: -pid is the CLI and its workers.
        Assert.Equal(0, Kill(toGroup ? -cli.Id : cli.Id, signal));

        Assert.Equal(128 + signal, cli.WaitForExit(ExitGuard));
        AssertNothingLeft(cli);
        if (phase == TestPhase.WorkerStarting)
            Assert.Contains("interrupted; 0 run(s) finished", cli.Stdout);
    }

    [Fact]
    public void An_interrupted_stress_prints_the_runs_that_finished()
    {
        using var cli = CliProcess.Start(
            new Dictionary<string, string> { [TestPhase.Variable] = TestPhase.WorkerExited },
            [.. ShortStress, "--runs", "5"]);
        Assert.True(WaitFor(() => Reached(cli, TestPhase.WorkerExited), TimeSpan.FromSeconds(60)), cli.Stderr);

        Assert.Equal(0, Kill(cli.Id, Sigterm));

        Assert.Equal(128 + Sigterm, cli.WaitForExit(ExitGuard));
        Assert.Contains("interrupted; 1 run(s) finished, 0 with violations", cli.Stdout);
        Assert.Contains("native mmu-spf", cli.Stdout);
        AssertNothingLeft(cli);
    }

    private static string[] LongStress =>
        ["stress", "--config", "mmu-spf", "--mix", "mixed", "--threads", "2", "--ops", "100000000", "--duration", "120"];

    private static string[] ShortStress =>
        ["stress", "--config", "mmu-spf", "--mix", "mixed", "--threads", "2", "--ops", "500"];

    /// <summary>
    /// Whether the CLI stands at <paramref name="phase"/>: it says so on stderr, but a
    /// worker's stderr goes to the CLI, so a worker held before its ring file shows as a
    /// live worker with no ring file (it stays so until killed).
    /// </summary>
    private static bool Reached(CliProcess cli, string phase) => phase == TestPhase.WorkerBeforeRing
        ? cli.Workers().Count > 0 && cli.RingFiles().Count == 0
        : cli.Stderr.Contains($"at test phase {phase}", StringComparison.Ordinal);

    private static void AssertNothingLeft(CliProcess cli)
    {
        Assert.True(WaitFor(() => cli.Workers().Count == 0, TimeSpan.FromSeconds(15)), "a worker outlived the CLI");
        Assert.True(WaitFor(() => cli.RingFiles().Count == 0, TimeSpan.FromSeconds(5)),
            "ring files left: " + string.Join(", ", cli.RingFiles()));
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
                return false;
            Thread.Sleep(100);
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
