// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// testbed-worker run by hand checks its options as the CLI does: a bad one is one line
/// on stderr and exit 2, with no stack trace and nothing run.
/// </summary>
public sealed class WorkerOptionSpecs
{
    [Theory]
    [InlineData("--backend", "jit", "--config", "mmu", "--mix", "mixed")]
    [InlineData("--backend", "native", "--config", "mmu-rcu", "--mix", "mixed")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "fault-light")]
    [InlineData("--backend", "native", "--config", "nommu", "--mix", "mixed")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "nommu-shared-file")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--threads", "0")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--threads", "100000")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--ops", "0")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--duration", "-1")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--duration", "NaN")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--crash-after", "-1")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--crash-how", "9")]
    [InlineData("--backend", "native", "--config", "mmu", "--mix", "mixed", "--seed", "minus")]
    [InlineData("--config", "mmu", "--mix", "mixed")]
    public void A_bad_option_is_one_line_on_stderr_and_exit_2(params string[] args)
    {
        var (code, stdout, stderr) = RunWorker(args);

        Assert.True(code == 2, $"exit {code}: {stdout}{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("testbed-worker: ", line);
        Assert.DoesNotContain("   at ", line);
    }

    private static (int Code, string Stdout, string Stderr) RunWorker(string[] args)
    {
        var assembly = WorkerLauncher.LocateAssembly(new WorkerOptions("native", "mmu", new Workload(WorkloadMix.Mixed, 1, 1, 1)));
        var (file, prefix) = ChildProcess.DotnetCommand(assembly);
        var result = ChildProcess.Run(file, [.. prefix, .. args], TimeSpan.FromMinutes(1));
        if (result.TimedOut)
            throw new TimeoutException($"testbed-worker {string.Join(' ', args)} did not exit");
        return (result.ExitCode, result.Stdout, result.Stderr);
    }
}
