// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
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

        var text = ConsoleTables.Compare(runs).ToPlainText();
        var speculative = ConsoleTables.CompareSpeculative(runs).ToPlainText();

        Assert.Contains("mmu-spf", text);
        Assert.Contains("2,000", text);
        Assert.Contains("1,000", text);
        Assert.Contains("2.00", text);
        Assert.Contains("SeqChanged 3", speculative);
    }

    [Fact]
    public void Every_table_fits_120_columns_with_large_counts_every_abort_reason_and_a_crash()
    {
        var aborts = Enum.GetNames<SpfAbort>().ToDictionary(r => r, _ => 9_999_999UL);
        var runs = (from backend in new[] { "native", "managed" }
                    from config in new[] { "mmu-spf", "nommu-orig" }
                    from threads in new[] { 1, 8, 1024 }
                    from repeat in Enumerable.Range(0, 3)
                    select Run(backend, config, threads, 99_999_999, 0.5 + repeat) with
                    {
                        Mix = "mprotect-churn",
                        Seed = 4_294_967_295UL,
                        Repeat = repeat,
                        SpfSuccess = 99_999_999,
                        Fallbacks = 9_999_999,
                        Aborts = aborts,
                        ViolationCount = 123,
                        Leaks = ["a", "b"],
                    }).ToList();
        runs.Add(Run("native", "mmu", 4, 0, 0) with { Crash = new CrashReport(139, 11, "killed by SIGSEGV", [], "") });

        var tables = new ConsoleBlock[]
        {
            ConsoleTables.Compare(runs), ConsoleTables.CompareSpeculative(runs),
            ConsoleTables.Stress("native mmu-spf", runs), ConsoleTables.StressSpeculative("native mmu-spf: speculative faults", runs),
        };

        foreach (var table in tables)
        {
            var lines = table.ToPlainText(width: 1000).Split('\n');
            var widest = lines.MaxBy(l => l.TrimEnd().Length)!.TrimEnd();
            Assert.True(widest.Length <= ConsoleTables.Width, $"{widest.Length} columns:\n{string.Join('\n', lines)}");
        }
    }

    [Fact]
    public void Repeats_show_their_median_and_spread()
    {
        var runs = new[] { 1.0, 2.0, 4.0 }.Select((s, i) => Run("native", "mmu", 1, 1000, s) with { Repeat = i }).ToArray();

        Assert.Equal(500, ConsoleTables.Median(runs)!.OpsPerSecond);
        Assert.Equal("150%", ConsoleTables.Spread(runs));
        Assert.Equal("-", ConsoleTables.Spread(runs[..1]));
    }

    [Fact]
    public void Unclean_runs_are_listed_with_their_replay_command()
    {
        var crashed = Run("native", "mmu", 4, 0, 0) with
        {
            Crash = new CrashReport(139, 11, "killed by SIGSEGV", ["thread 0 #3: munmap(0x10000000, 0x1000)"], ""),
        };
        var runs = new[] { Run("native", "mmu", 2, 100, 1, violations: 1), crashed, Run("managed", "mmu", 2, 100, 1) };

        var text = ConsoleTables.Problems(runs).ToPlainText();

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

    [Fact]
    public void The_plot_has_a_log2_thread_axis_with_integer_ticks_the_legend_outside_and_every_repeat()
    {
        var runs = (from t in new[] { 1, 2, 4, 8, 16 }
                    from repeat in Enumerable.Range(0, 3)
                    from backend in new[] { "native", "managed" }
                    select Run(backend, "mmu-spf", t, 1000 * t, 0.1 + (0.01 * repeat)) with { Repeat = repeat }).ToArray();

        var plot = ThroughputPlot.Create(runs);
        plot.GetImage(1000, 560).Dispose();

        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
        Assert.Equal(["1", "2", "4", "8", "16"], ticks.Select(t => t.Label));
        Assert.Equal([0.0, 1, 2, 3, 4], ticks.Select(t => t.Position));
        Assert.Contains(plot.Axes.GetPanels(), p => p is ScottPlot.Panels.LegendPanel);
        Assert.False(plot.Legend.IsVisible, "the legend must not sit inside the data area");
        // per series: one median line; per thread count with repeats: a min..max bar and the dots
        Assert.Equal(2 * (1 + (5 * 2)), plot.GetPlottables().Count());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
