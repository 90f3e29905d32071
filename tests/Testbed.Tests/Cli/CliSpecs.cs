// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;
using Xunit;

namespace Testbed.Tests.Cli;

/// <summary>
/// The CLI as a user meets it: bad options, an unwritable --out, exit codes (the
/// real testbed.dll as a child process). Interruption: <see cref="SignalSpecs"/>.
/// </summary>
public sealed class CliSpecs
{
    [Theory]
    [InlineData("compare", "--threads", "0")]
    [InlineData("compare", "--threads", "-1")]
    [InlineData("compare", "--threads", "2", "2000")]
    [InlineData("compare", "--threads")]
    [InlineData("compare", "--sequential-ops", "-5")]
    [InlineData("compare", "--ops", "0")]
    [InlineData("compare", "--ops", "many")]
    [InlineData("compare", "--repeat", "0")]
    [InlineData("compare", "--seed", "-3")]
    [InlineData("compare", "--duration", "0")]
    [InlineData("compare", "--config", "nommu")]
    [InlineData("compare", "--mix", "nommu-shared-file")]
    [InlineData("compare", "--backend", "jit")]
    [InlineData("compare", "--sequential-only", "--backend", "managed")]
    [InlineData("stress", "--config", "mmu-rcu")]
    [InlineData("stress", "--runs", "0")]
    [InlineData("stress", "--duration", "-1")]
    [InlineData("ab", "--configs", "nommu")]
    [InlineData("ab", "--sequences", "0")]
    [InlineData("ab", "--ops", "3")]
    [InlineData("ab", "--configs", "mmu,nommu")]
    [InlineData("kernel", "--kernel", "/nonexistent/bzImage")]
    [InlineData("kernel", "--sequences", "0")]
    [InlineData("kernel", "--only", "200")]
    [InlineData("kernel", "--timeout", "0")]
    [InlineData("kernel", "--shard", "1/4")]
    [InlineData("kernel", "--shard", "4/4", "--result", "r.json")]
    [InlineData("kernel", "--only", "3", "--shard", "0/2", "--result", "r.json")]
    [InlineData("kernel", "--kernel-release", "6.x")]
    [InlineData("kernel", "--kernel-release", "6.12", "--host")]
    [InlineData("kernel", "--kernel-release", "6.12", "--build")]
    [InlineData("kernel", "--source", "6.12")]
    [InlineData("kernel", "--build", "--source", "six")]
    [InlineData("kernel", "--lock-stats", "--no-race")]
    [InlineData("kernel", "--lock-stats", "--only", "3")]
    [InlineData("kernel", "--runs", "2")]
    [InlineData("kernel", "--lock-stats", "--model-runs", "0")]
    [InlineData("simulate", "--wakeup", "pipe")]
    [InlineData("mutants", "--shard", "1/4")]
    [InlineData("mutants", "--run-detector", "pct", "--mutant", "managed-put-vma-leak", "--result", "r.json")]
    [InlineData("frobnicate")]
    public async Task A_bad_option_is_one_line_on_stderr_and_exit_2_before_anything_runs(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await TestbedApp.RunAsync(args, AddressSpaceFactory.Default, output, error);

        Assert.Equal(ExitCodes.Usage, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("testbed", line);
        Assert.DoesNotContain("   at ", line);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void A_bad_option_through_the_real_process_exits_2_with_one_line_and_no_stack_trace()
    {
        var (code, stdout, stderr) = CliProcess.Run("compare", "--threads", "-1");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        Assert.Equal("testbed compare: --threads values must be 1..1024 (got -1) (see testbed compare --help)", stderr.Trim());
    }

    [Fact]
    public void An_unwritable_out_folder_is_a_usage_error_before_any_run()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            // A regular file where a folder should be: unwritable even for root.
            var (code, stdout, stderr) = CliProcess.Run("compare", "--out", Path.Combine(blocker, "results"));

            Assert.Equal(ExitCodes.Usage, code);
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"testbed compare: --out {Path.Combine(blocker, "results")}: not a writable folder", line);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public void A_clean_compare_exits_0_and_writes_its_report()
    {
        InOutFolder(folder =>
        {
            var (code, stdout, stderr) = CliProcess.Run(
                "compare", "--sequential-only", "--sequential-ops", "200", "--config", "mmu-spf", "--out", folder);

            Assert.True(code == ExitCodes.Clean, stdout + stderr);
            Assert.Contains("identical", stdout);
            Assert.True(File.Exists(Path.Combine(folder, "compare.json")));
        });
    }

    [Fact]
    public void Compare_times_the_perf_flavours_and_shows_no_speed_for_the_checked_pass()
    {
        InOutFolder(folder =>
        {
            var (code, stdout, stderr) = CliProcess.Run(
                "compare", "--config", "mmu-spf", "--threads", "1", "2", "--ops", "2000", "--sequential-ops", "100", "--out", folder);

            Assert.True(code == ExitCodes.Clean, stdout + stderr);
            var checkedTable = stdout[stdout.IndexOf("checked flavours", StringComparison.Ordinal)..stdout.IndexOf("speculative faults", StringComparison.Ordinal)];
            Assert.DoesNotContain("ops/s", checkedTable);
            Assert.DoesNotContain("│ n/m", checkedTable);
            Assert.Contains("throughput, perf flavours", stdout);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "compare.json")));
            string[] Flavours(string pass) =>
                [.. report.RootElement.GetProperty(pass).EnumerateArray().Select(r => $"{r.GetProperty("backend")} {r.GetProperty("flavour")}").Distinct().Order()];
            Assert.Equal(["managed checked", "native checked"], Flavours("concurrent"));
            Assert.Equal(["managed perf", "native perf"], Flavours("timed"));
            Assert.Equal(4, report.RootElement.GetProperty("timed").GetArrayLength());
        });
    }

    [Fact]
    public void Bench_times_both_backends_in_the_perf_flavour_and_records_the_flavour_that_ran()
    {
        InOutFolder(folder =>
        {
            var (code, stdout, stderr) = CliProcess.Run(
                "bench", "--quick", "--workload", "single-vma", "--config", "mmu", "--threads", "1", "--repeats", "1",
                "--ops", "2000", "--out", folder);

            Assert.True(code == ExitCodes.Clean, stdout + stderr);
            Assert.Contains("noise band (largest A/A difference", stdout);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "bench.json")));
            Assert.Equal("perf", report.RootElement.GetProperty("managedFlavour").GetString());
            var points = report.RootElement.GetProperty("throughput").EnumerateArray()
                .Select(p => $"{p.GetProperty("backend")} {p.GetProperty("config")} {p.GetProperty("twin")} {p.GetProperty("flavour")}")
                .Order().ToArray();
            Assert.Equal(["managed mmu False perf", "managed mmu True perf", "native mmu False perf", "native mmu True perf"], points);
        });
    }

    [Fact]
    public void Bench_quick_without_config_compares_the_design_under_review_with_the_baseline_only()
    {
        InOutFolder(folder =>
        {
            var (code, stdout, stderr) = CliProcess.Run(
                "bench", "--quick", "--workload", "single-vma", "--backend", "native", "--threads", "1", "--repeats", "1",
                "--ops", "2000", "--out", folder);

            Assert.True(code == ExitCodes.Clean, stdout + stderr);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "bench.json")));
            var points = report.RootElement.GetProperty("throughput").EnumerateArray()
                .Select(p => $"{p.GetProperty("config")} {p.GetProperty("twin")}")
                .Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["mmu False", "mmu True", "mmu-spf False"], points);
        });
    }

    [Fact]
    public void Simulate_validates_itself_on_the_committed_calibration_and_writes_its_report()
    {
        InOutFolder(folder =>
        {
            var (code, stdout, stderr) = CliProcess.Run(
                "simulate", "--budget", "64", "--machine", "here", "--workload", "single-vma", "--config", "mmu", "--threads", "1", "2",
                "--out", folder);

            Assert.True(code == ExitCodes.Clean, stdout + stderr);
            Assert.Contains("validation: every invariant holds", stdout);
            Assert.Contains("ping-pong measured on this machine", stdout);
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "simulate.json")));
            var points = report.RootElement.GetProperty("results").EnumerateArray()
                .Select(p => $"{p.GetProperty("workload")} {p.GetProperty("config")} {p.GetProperty("threads")}").ToArray();
            Assert.Equal(["single-vma mmu 1", "single-vma mmu 2"], points);
            Assert.True(report.RootElement.GetProperty("validation").GetProperty("deterministic").GetBoolean());
            Assert.True(new FileInfo(Path.Combine(folder, "simulate-single-vma.png")).Length > 0);
        });
    }

    [Fact]
    public void A_finding_exits_1()
    {
        // nommu-badfree is the test-only config whose __free_vma skips an fput.
        var (code, stdout, stderr) = CliProcess.Run("ab", "--configs", "nommu,nommu-badfree", "--sequences", "3", "--no-inject");

        Assert.True(code == ExitCodes.Findings, stdout + stderr);
        Assert.Contains("replay:", stdout);
    }

    [Theory]
    [InlineData("compare")]
    [InlineData("stress")]
    [InlineData("ab")]
    [InlineData("kernel")]
    [InlineData("simulate")]
    public async Task Help_lists_the_exit_codes(string command)
    {
        var output = new StringWriter();

        var code = await TestbedApp.RunAsync([command, "--help"], AddressSpaceFactory.Default, output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Contains("0 clean, 1 findings", output.ToString());
        Assert.Contains("2 usage error", output.ToString());
    }

    /// <summary>Runs <paramref name="test"/> with a fresh --out folder, removed afterwards.</summary>
    private static void InOutFolder(Action<string> test)
    {
        var folder = Directory.CreateTempSubdirectory("testbed-cli-out-").FullName;
        try
        {
            test(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
