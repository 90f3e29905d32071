// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Concurrent;
using Testbed.Harness.Reports;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class ReportSpecs : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "testbed-report-" + Guid.NewGuid().ToString("N"));

    private static RunResult Run(string backend, string config, int threads, long ops, double seconds, ulong violations = 0) => new()
    {
        Backend = backend,
        Config = config,
        Mix = "mixed",
        Seed = 7,
        Threads = threads,
        OpsPerThread = (int)(ops / threads),
        Operations = ops,
        ElapsedSeconds = seconds,
        SpfSuccess = 10,
        Aborts = new Dictionary<string, ulong> { ["SeqChanged"] = 3 },
        ViolationCount = violations,
        Violations = violations > 0 ? ["#1 op 5 (Fault) handle_mm_fault:12: page outside VMA"] : [],
        ReplayCommand = "./scripts/testbed stress --seed 7",
    };

    [Fact]
    public void The_compare_table_shows_both_backends_and_their_ratio()
    {
        var runs = new[] { Run("native", "mmu-spf", 1, 1000, 0.5), Run("managed", "mmu-spf", 1, 1000, 1.0) };

        var text = ConsoleTables.ToPlainText(ConsoleTables.Compare(runs));

        Assert.Contains("mmu-spf", text);
        Assert.Contains("2,000", text);
        Assert.Contains("1,000", text);
        Assert.Contains("2.00", text);
        Assert.Contains("SeqChanged 3", text);
    }

    [Fact]
    public void Unclean_runs_are_listed_with_their_replay_command()
    {
        var crashed = Run("native", "mmu", 4, 0, 0) with
        {
            Crash = new CrashReport(139, 11, "killed by SIGSEGV", ["thread 0 #3: munmap(0x10000000, 0x1000)"], ""),
        };
        var runs = new[] { Run("native", "mmu", 2, 100, 1, violations: 1), crashed, Run("managed", "mmu", 2, 100, 1) };

        var text = ConsoleTables.ToPlainText(ConsoleTables.Problems(runs));

        Assert.Contains("page outside VMA", text);
        Assert.Contains("SIGSEGV", text);
        Assert.Contains("thread 0 #3: munmap", text);
        Assert.Equal(2, text.Split("replay: ./scripts/testbed stress --seed 7").Length - 1);
    }

    [Fact]
    public void The_json_report_round_trips_and_says_whether_it_passed()
    {
        var report = new CompareReport
        {
            Seed = 7,
            Started = DateTimeOffset.UnixEpoch,
            Concurrent = [Run("native", "mmu", 1, 10, 1), Run("managed", "mmu", 1, 10, 1, violations: 2)],
        };
        var path = Path.Combine(_folder, "compare.json");

        JsonReport.Write(report, path);
        var back = JsonReport.Read(path);

        Assert.Equal(2, back.Concurrent.Count);
        Assert.Equal(2UL, back.Concurrent[1].ViolationCount);
        Assert.Equal(3UL, back.Concurrent[0].Aborts["SeqChanged"]);
        Assert.False(back.Passed);
        Assert.Contains("\"passed\": false", File.ReadAllText(path));
    }

    [Fact]
    public void The_throughput_plot_is_a_png()
    {
        var runs = new[] { 1, 2, 4, 8 }.SelectMany(t => new[]
        {
            Run("native", "mmu-spf", t, 1000 * t, 0.1), Run("managed", "mmu-spf", t, 800 * t, 0.1),
        });
        var path = Path.Combine(_folder, "throughput.png");

        ThroughputPlot.Save(runs, path);

        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
