// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Sharding;

/// <summary>
/// `testbed mutants` cut into 4 shards (units = the chosen mutants in catalog order) and merged
/// gives the table one run gives, through the real CLI and its detector child processes: the same
/// result file (<see cref="SweepFile.ReportJson"/>), the same rows and summary (seconds and the
/// PCT-vs-stress ratios aside: the stress baseline is uncontrolled) and the same exit code.
/// Mostly managed mutants; the native ones (built in a second by the shard that owns them) show
/// that a violation names objects by id, not by address, so separate processes report alike.
/// </summary>
public sealed partial class MutantShardSpecs(ITestOutputHelper output) : IDisposable
{
    private const int Shards = 4;
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-mutant-shards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Five managed mutants with 10 PCT schedules per scenario: PCT catches two race mutants and
    /// the leak, the differential the merge-rule mutant, and the race mutant that needs more
    /// schedules survives: exit 1, from the single run and from the merge alike.
    /// </summary>
    [Fact]
    public void Four_shards_with_detections_and_survivors_merge_into_the_single_run()
    {
        string[] sweep =
        [
            "mutants", "--mutant", "managed-merge-ignore-anon-vma", "managed-erase-unlocked", "managed-put-vma-leak",
            "managed-get-vma-ref-after-unlock", "managed-spf-ptl-spin",
            "--quick", "--schedules", "10", "--stress-runs", "200",
        ];

        var (single, merge) = RunSweep(sweep);

        Assert.Equal(1, single.Code);
        Assert.Equal(1, merge.Code);
        // units in catalog order, whatever order --mutant named them in
        var rows = SweepFile.Read(Path.Combine(_folder, "single.json")).Results.Select(u => u.Result["mutant"]!.GetValue<string>());
        Assert.Equal(
            ["managed-get-vma-ref-after-unlock", "managed-erase-unlocked", "managed-put-vma-leak", "managed-spf-ptl-spin", "managed-merge-ignore-anon-vma"],
            rows);
        Assert.Matches(@"managed-get-vma-ref-after-unlock +\| pct +\| 8 schedules, 16 ops in spf-vs-merge \(38 schedules over all scenarios\), [0-9.]+ s \| ./scripts/testbed pct --mutant managed-get-vma-ref-after-unlock --scenario spf-vs-merge --replay ", merge.Stdout);
        Assert.Matches(@"managed-merge-ignore-anon-vma +\| differential +\| 1 runs, 322 ops in mixed seed 1", merge.Stdout);
        Assert.Matches(@"managed-erase-unlocked +\| pct +\| 5 schedules, 10 ops in spf-vs-munmap, [0-9.]+ s \| ./scripts/testbed pct --mutant managed-erase-unlocked --scenario spf-vs-munmap --replay ", merge.Stdout);
        Assert.Contains("4 of 5 mutants detected", merge.Stdout);
        Assert.Contains("SURVIVED: managed-spf-ptl-spin", merge.Stdout);
        Assert.Contains("PCT vs stress, time to first detection, managed-get-vma-ref-after-unlock: ", merge.Stdout);
    }

    /// <summary>Two mutants over four shards: two shards hold none, and the merge still reports both, exit 0.</summary>
    [Fact]
    public void Empty_shards_merge_and_a_clean_sweep_exits_0()
    {
        string[] sweep = ["mutants", "--mutant", "managed-put-vma-leak", "managed-merge-ignore-anon-vma", "--quick", "--schedules", "20"];

        var (single, merge) = RunSweep(sweep);

        Assert.Equal(0, single.Code);
        Assert.Equal(0, merge.Code);
        Assert.Contains("2 of 2 mutants detected", merge.Stdout);
        Assert.Empty(SweepFile.Read(Path.Combine(_folder, "shard3.json")).Results);
    }

    /// <summary>
    /// Two native mutants that PCT catches by a use after free: each process (the single run, each
    /// shard, each detector child) has its own heap, and the report still reads the same.
    /// </summary>
    [Fact]
    public void Native_mutants_report_the_same_from_every_process()
    {
        string[] sweep = ["mutants", "--mutant", "get-vma-unlocked", "tree-ref-frees", "--quick", "--schedules", "100", "--stress-runs", "200"];

        var (single, merge) = RunSweep(sweep);

        Assert.Equal(0, single.Code);
        Assert.Equal(0, merge.Code);
        Assert.Contains("2 of 2 mutants detected", merge.Stdout);
        var problems = SweepFile.Read(Path.Combine(_folder, "merged.json")).Results.Select(u => u.Result["problem"]!.GetValue<string>());
        Assert.All(problems, p => Assert.Matches(@"^violation: put_vma:[0-9]+ put_vma: use after free of VMA id [0-9]+$", p));
    }

    private (Run Single, Run Merge) RunSweep(string[] sweep)
    {
        var single = Cli([.. sweep, "--result", Path.Combine(_folder, "single.json")]);
        for (var k = 0; k < Shards; k++)
            Cli([.. sweep, "--shard", $"{k}/{Shards}", "--result", Path.Combine(_folder, $"shard{k}.json")]);
        var merge = Cli(["merge", .. Enumerable.Range(0, Shards).Select(k => Path.Combine(_folder, $"shard{k}.json")),
            "--result", Path.Combine(_folder, "merged.json"), "--same-as", Path.Combine(_folder, "single.json")]);

        Assert.Contains("merge: the same report as", merge.Stdout);
        Assert.Equal(
            SweepFile.Read(Path.Combine(_folder, "single.json")).ReportJson(),
            SweepFile.Read(Path.Combine(_folder, "merged.json")).ReportJson());
        Assert.Equal(Compared(single.Stdout), Compared(merge.Stdout));
        return (single, merge);
    }

    /// <summary>
    /// The printed report without what is measured (seconds, the ratios' numbers) and the lines
    /// that name the result files.
    /// </summary>
    private static string Compared(string stdout) => string.Join('\n', stdout.Split('\n')
        .Where(l => !l.StartsWith("result (", StringComparison.Ordinal) && !l.StartsWith("merge: ", StringComparison.Ordinal))
        .Select(l => l.StartsWith("  PCT vs stress", StringComparison.Ordinal) ? l[..(l.IndexOf(": ", StringComparison.Ordinal) + 1)] : l)
        .Select(l => Seconds().Replace(l, "# s")));

    [GeneratedRegex(@"\b[0-9]+(\.[0-9]+)? s\b")]
    private static partial Regex Seconds();

    private Run Cli(string[] args)
    {
        using var cli = CliProcess.Start(args);
        var code = cli.WaitForExit(TimeSpan.FromMinutes(4));
        output.WriteLine($"$ testbed {string.Join(' ', args)}  -> {code}\n{cli.Stdout}{cli.Stderr}");
        return new Run(code, cli.Stdout);
    }

    private sealed record Run(int Code, string Stdout);
}
