// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// The one launcher every child process starts through: a hung child is killed with what it
/// started, a crash is diagnosed by its signal, input goes in and lines come out as they are
/// written, and the child's directory and environment are as asked.
/// </summary>
public sealed class ChildProcessSpecs
{
    [Fact]
    public async Task A_child_past_its_timeout_is_killed_with_the_processes_it_started()
    {
        var result = await ChildProcess.RunAsync("bash", ["-c", "sleep 300 & echo $!; wait"], TimeSpan.FromSeconds(2));

        Assert.True(result.TimedOut);
        Assert.Equal(ChildProcess.KilledExitCode, result.ExitCode);
        var grandchild = int.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // the kill is asynchronous: poll a bounded number of times, asserting no duration
        for (var i = 0; i < 200 && IsSleep(grandchild); i++)
            await Task.Delay(50);
        Assert.False(IsSleep(grandchild), $"the child's own child {grandchild} outlived it");
    }

    [Fact]
    public async Task A_child_killed_by_a_signal_is_diagnosed_by_it()
    {
        var result = await ChildProcess.RunAsync("bash", ["-c", "kill -SEGV $$"], TimeSpan.FromMinutes(1));

        Assert.False(result.TimedOut);
        Assert.Equal(128 + 11, result.ExitCode);
        Assert.Equal((11, "killed by SIGSEGV"), result.Diagnose());
    }

    [Fact]
    public async Task Input_goes_in_and_lines_come_out_as_they_are_written()
    {
        var lines = new List<string>();

        var result = await ChildProcess.RunAsync("cat", [], TimeSpan.FromMinutes(1),
            io: new ChildIo(Stdin: "first\nsecond\n", StdoutLine: lines.Add));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("first\nsecond\n", result.Stdout);
        Assert.Equal(["first", "second"], lines);
    }

    [Fact]
    public async Task The_child_runs_where_asked_without_the_variables_unset_and_with_those_given()
    {
        var folder = Path.GetTempPath().TrimEnd('/');
        var result = await ChildProcess.RunAsync("bash", ["-c", "pwd; echo \"${HOME-unset} $TB_SPEC $DOTNET_EnableDiagnostics\""], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["TB_SPEC"] = "given" }, io: new ChildIo(WorkingDirectory: folder, Unset: ["HOME"]));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{folder}\nunset given 0\n", result.Stdout);
    }

    /// <summary>Whether <paramref name="pid"/> is a live sleep (a zombie waiting to be reaped is dead).</summary>
    private static bool IsSleep(int pid)
    {
        try
        {
            // /proc/PID/stat: "PID (comm) STATE ..."
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat.Contains("(sleep)", StringComparison.Ordinal) && !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
