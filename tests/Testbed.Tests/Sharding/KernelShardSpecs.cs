// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Testbed.Tests.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Sharding;

/// <summary>
/// `testbed kernel` cut into 4 shards (units = sequences, each shard one boot) and merged gives
/// the report one run gives: the same result file (<see cref="SweepFile.ReportJson"/>), the same
/// printed table (its measured rows aside) and the same exit code; a mismatch found by a shard
/// replays with `--only i` over the same --sequences.
/// </summary>
public sealed class KernelShardSpecs(ITestOutputHelper output) : IDisposable
{
    private const int Shards = 4;
    private static readonly string[] MeasuredRows = ["boot time", "guest run time", "kernel wall time", "model time"];
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-kernel-shards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Debian's 6.1 under QEMU TCG: 8 sequences in one boot, then in 4 boots of 2, through the
    /// real CLI; `testbed merge --same-as` agrees, and so do the files and the tables.
    /// </summary>
    [Fact]
    public void Four_QEMU_shards_merged_report_what_one_boot_reports()
    {
        QemuRequirement.Check();
        string[] sweep = ["kernel", "--seed", "1", "--sequences", "8", "--kernel", Debian61Kernel.Require(), "--timeout", "300"];

        var (single, shards, merge) = RunSweep(sweep);

        Assert.Equal(0, single.Code);
        Assert.Contains("PASS: the model matches the kernel", single.Stdout);
        Assert.Contains("qemu TCG (6.1.", single.Stdout);
        Assert.All(shards, s => Assert.Equal(0, s.Code));
        SameReport(single, merge);
        var report = KernelSweep.ToReport(SweepFile.Read(Path.Combine(_folder, "merged.json")));
        Assert.Equal(8, report.Sequences);
        Assert.Equal(Shards, report.Boots);
        Assert.True(report.Passed, report.ToTable());
    }

    /// <summary>
    /// The guest on the host's kernel (no boot): the same through the CLI, with 16 sequences. On a
    /// host whose kernel merges otherwise than the model (this machine's 6.18 does, in mprotect)
    /// the report has mismatches: the merge then reports them too, and each replays alone.
    /// </summary>
    [Fact]
    public void Four_host_shards_merged_report_what_one_run_reports()
    {
        string[] sweep = ["kernel", "--host", "--seed", "1", "--sequences", "16"];

        var (single, _, merge) = RunSweep(sweep);

        SameReport(single, merge);
        var report = KernelSweep.ToReport(SweepFile.Read(Path.Combine(_folder, "single.json")));
        Assert.Equal(16, report.Sequences);
        Assert.Empty(report.Errors);
        Assert.Equal(report.Passed ? 0 : 1, single.Code);
        foreach (var m in report.Mismatches)
            Assert.Equal($"testbed kernel --seed 1 --sequences 16 --ops 20 --host --backend managed --only {m.SequenceIndex}", m.Replay);
        if (report.Mismatches.FirstOrDefault() is { } first)
        {
            var replay = CliProcess.Run([.. sweep, "--only", first.SequenceIndex.ToString()]);
            Assert.Equal(1, replay.ExitCode);
            Assert.Contains(first.ToString(), replay.Stdout);
        }
    }

    /// <summary>
    /// A report with findings, guaranteed: the model with the test-only merge rule that ignores
    /// anon_vma (it merges written neighbours the kernel keeps apart) against the host's kernel,
    /// 24 sequences, run whole and in 4 sets of indices through the same functions the CLI uses.
    /// The merged file equals the single one, the tables match, and every mismatch is one of the
    /// single run's, with its `--only i` replay.
    /// </summary>
    [Fact]
    public async Task Four_shards_of_a_check_with_mismatches_merge_into_the_same_findings()
    {
        var options = new SequenceOptions().WithSeed(7).WithSequences(24);
        const string Prefix = "testbed kernel --seed 7 --sequences 24 --ops 20 --host";
        var factory = ModelBackend.Managed(ignoreAnonVmaInMerge: true);
        async Task<SweepFile> Run(Shard shard)
        {
            var indices = shard.Count == 1 ? null : shard.Units(options.Sequences).ToList();
            var check = await KernelCheck.RunAsync(options, KernelTarget.Host, new QemuOptions(), factory, "mmu-spf", indices, Prefix);
            return new SweepFile
            {
                Kind = KernelSweep.Kind,
                Parameters = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["seed"] = "7", ["sequences"] = "24" },
                Units = options.Sequences,
                Shard = shard,
                Results = KernelSweep.Units(check),
            };
        }

        var single = await Run(Shard.All);
        var shards = new List<(string, SweepFile)>();
        for (var k = 0; k < Shards; k++)
            shards.Add(($"shard {k}", await Run(new Shard(k, Shards))));
        var merged = SweepMerger.Merge(shards);

        var report = KernelSweep.ToReport(single);
        output.WriteLine(report.ToTable());
        Assert.True(report.Differences > 0, "the wrong merge rule went unnoticed in 24 sequences");
        Assert.Equal(single.ReportJson(), merged.ReportJson());
        Assert.Equal(Compared(report.ToTable()), Compared(KernelSweep.ToReport(merged).ToTable()));
        Assert.All(report.Mismatches, m => Assert.Equal($"{Prefix} --only {m.SequenceIndex}", m.Replay));
    }

    private (Run Single, IReadOnlyList<Run> Shards, Run Merge) RunSweep(string[] sweep)
    {
        var single = Cli([.. sweep, "--result", Path.Combine(_folder, "single.json")]);
        var shards = Enumerable.Range(0, Shards)
            .Select(k => Cli([.. sweep, "--shard", $"{k}/{Shards}", "--result", Path.Combine(_folder, $"shard{k}.json")]))
            .ToList();
        var merge = Cli(["merge", .. Enumerable.Range(0, Shards).Select(k => Path.Combine(_folder, $"shard{k}.json")),
            "--result", Path.Combine(_folder, "merged.json"), "--same-as", Path.Combine(_folder, "single.json")]);
        for (var k = 0; k < Shards; k++)
        {
            var file = SweepFile.Read(Path.Combine(_folder, $"shard{k}.json"));
            Assert.Equal(new Shard(k, Shards), file.Shard);
            Assert.Equal(new Shard(k, Shards).Units(file.Units), file.Results.Select(u => u.Index));
        }

        return (single, shards, merge);
    }

    private void SameReport(Run single, Run merge)
    {
        Assert.Contains("merge: the same report as", merge.Stdout);
        Assert.Equal(single.Code, merge.Code);
        Assert.Equal(
            SweepFile.Read(Path.Combine(_folder, "single.json")).ReportJson(),
            SweepFile.Read(Path.Combine(_folder, "merged.json")).ReportJson());
        Assert.Equal(Compared(single.Stdout), Compared(merge.Stdout));
    }

    /// <summary>The printed report without its measured rows and the lines that name the result files.</summary>
    private static string Compared(string stdout) => string.Join('\n', stdout.Split('\n')
        .Where(l => !MeasuredRows.Any(r => l.StartsWith(r + " ", StringComparison.Ordinal)))
        .Where(l => !l.StartsWith("result (", StringComparison.Ordinal) && !l.StartsWith("merge: ", StringComparison.Ordinal)));

    private Run Cli(string[] args)
    {
        using var cli = CliProcess.Start(args);
        var code = cli.WaitForExit(TimeSpan.FromMinutes(6));
        output.WriteLine($"$ testbed {string.Join(' ', args)}  -> {code}\n{cli.Stdout}{cli.Stderr}");
        return new Run(code, cli.Stdout);
    }

    private sealed record Run(int Code, string Stdout);
}
