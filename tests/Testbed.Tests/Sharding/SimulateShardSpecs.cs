// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Sharding;

/// <summary>
/// `testbed simulate` cut into shards (unit 0 the validation, then the sweep's points, then the
/// anchors) and merged gives what one run gives, through the real CLI: the same result file
/// (<see cref="SweepFile.ReportJson"/>: every unit's virtual times and counts), the same tables
/// and the same exit code. Each shard is its own process, so this also holds that a point does
/// not depend on what ran before it in the process.
/// </summary>
public sealed class SimulateShardSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-simulate-shards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Three_shards_of_a_sweep_merge_into_the_single_run()
    {
        string[] sweep =
        [
            "simulate", "--budget", "64", "--machine", "here", "--workload", "single-vma", "pft", "--config", "mmu", "mmu-pvl",
            "--threads", "1", "2", "--out", _folder,
        ];

        var single = Cli([.. sweep, "--result", Path.Combine(_folder, "single.json")]);
        for (var k = 0; k < 3; k++)
            Assert.Equal(0, Cli([.. sweep, "--shard", $"{k}/3", "--result", Path.Combine(_folder, $"shard{k}.json")]).Code);
        var merge = Cli(["merge", .. Enumerable.Range(0, 3).Select(k => Path.Combine(_folder, $"shard{k}.json")),
            "--result", Path.Combine(_folder, "merged.json"), "--same-as", Path.Combine(_folder, "single.json")]);

        Assert.Equal(0, single.Code);
        Assert.Equal(0, merge.Code);
        Assert.Contains("merge: the same report as", merge.Stdout);
        var merged = SweepFile.Read(Path.Combine(_folder, "merged.json"));
        Assert.Equal(SweepFile.Read(Path.Combine(_folder, "single.json")).ReportJson(), merged.ReportJson());
        Assert.Equal(1 + 2 * 2 * 2, merged.Units);
        Assert.Contains("validation: every invariant holds", merge.Stdout);
        // the single run prints the machines first (its header, not the report's)
        var report = Table(merge.Stdout);
        Assert.Equal(report, Table(single.Stdout)[^report.Length..]);
    }

    [Fact]
    public void Three_shards_of_an_anchor_over_seeds_merge_into_the_single_run()
    {
        string[] anchors = ["simulate", "--quick", "--anchor", "1", "--seeds", "2", "--budget", "64", "--out", _folder];

        var single = Cli([.. anchors, "--result", Path.Combine(_folder, "single.json")]);
        for (var k = 0; k < 3; k++)
            Assert.Equal(0, Cli([.. anchors, "--shard", $"{k}/3", "--result", Path.Combine(_folder, $"shard{k}.json")]).Code);
        var merge = Cli(["merge", .. Enumerable.Range(0, 3).Select(k => Path.Combine(_folder, $"shard{k}.json")),
            "--result", Path.Combine(_folder, "merged.json"), "--same-as", Path.Combine(_folder, "single.json")]);

        Assert.Equal(0, single.Code);
        Assert.Equal(0, merge.Code);
        var merged = SweepFile.Read(Path.Combine(_folder, "merged.json"));
        Assert.Equal(SweepFile.Read(Path.Combine(_folder, "single.json")).ReportJson(), merged.ReportJson());
        // the validation, then anchor 1 with seeds 1 and 2
        Assert.Equal(1 + 2, merged.Units);
        var report = Table(merge.Stdout);
        Assert.Equal(report, Table(single.Stdout)[^report.Length..]);
        var row = Assert.Single(report, l => l.StartsWith("| 1 |", StringComparison.Ordinal) && l.Contains("ebizzy", StringComparison.Ordinal) && l.Contains('…'));
        Assert.Contains(report, l => l.Contains("median of 2 seeds", StringComparison.Ordinal));
        output.WriteLine(row);
    }

    [Theory]
    [InlineData("--calibrate")]
    [InlineData("--calibrate-wakeup")]
    [InlineData("--calibrate-kernel")]
    public void A_shard_that_would_calibrate_on_its_own_is_refused(string calibrate)
    {
        var run = Cli(["simulate", calibrate, "--shard", "0/2", "--result", Path.Combine(_folder, "shard0.json")]);

        Assert.Equal(2, run.Code);
        Assert.Contains("--calibrate with --shard", run.Stdout);
    }

    // The printed tables (markdown rows), which a merge prints as a single run does.
    private static string[] Table(string stdout) => [.. stdout.Split('\n').Where(l => l.StartsWith('|'))];

    private Run Cli(string[] args)
    {
        using var cli = CliProcess.Start(args);
        var code = cli.WaitForExit(TimeSpan.FromMinutes(4));
        output.WriteLine($"$ testbed {string.Join(' ', args)}  -> {code}\n{cli.Stdout}{cli.Stderr}");
        return new Run(code, cli.Stdout + cli.Stderr);
    }

    private sealed record Run(int Code, string Stdout);
}
