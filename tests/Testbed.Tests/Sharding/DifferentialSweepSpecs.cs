// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;
using Testbed.Tests.Cli;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// <c>testbed differential</c> (native vs managed over a seed sweep) cut into 4 shards and
/// merged, and the merge refusing what is not the shards of one sweep.
/// </summary>
public sealed class DifferentialSweepSpecs
{
    private static readonly string[] Sweep = ["differential", "--seed", "5", "--seeds", "6", "--ops", "300", "--config", "mmu-spf", "mmu"];

    [Fact]
    public void Four_shards_merged_give_the_report_of_one_run()
    {
        using var runs = FourShards.Run(Sweep);

        runs.AssertSameReport();
        Assert.Equal(ExitCodes.Clean, runs.SingleCode);
        var single = runs.Single();
        Assert.Equal(12, single.Units);
        Assert.Equal(12, single.Results.Count);
        Assert.Equal(Enumerable.Range(0, 12), runs.Merged().Results.Select(u => u.Index));
        // Config first, then mix, then seed: unit 7 is mmu, mixed, seed 5 + 1.
        var unit = single.Results[7].Result;
        Assert.Equal("mmu", unit["config"]!.GetValue<string>());
        Assert.Equal(6UL, unit["seed"]!.GetValue<ulong>());
        Assert.True(unit["agreed"]!.GetValue<bool>());
        Assert.Equal("./scripts/testbed compare --sequential-only --seed 6 --config mmu --mix mixed --sequential-ops 300",
            unit["replay"]!.GetValue<string>());
        Assert.Matches(@"mmu-spf\s+mixed\s+6\s+6\s+0\s+\d+", runs.MergeText);
        Assert.Contains("differential: 12 run(s), no difference", runs.MergeText);
    }

    [Fact]
    public void The_merge_refuses_a_missing_shard_a_shard_given_twice_and_a_shard_of_another_sweep()
    {
        using var runs = FourShards.Run(Sweep);
        var other = Path.Combine(runs.Folder, "seed6-shard3.json");
        var (code, _, stderr) = CliProcess.Run([.. Sweep.Select(a => a == "5" ? "6" : a), "--shard", "3/4", "--result", other]);
        Assert.Equal(ExitCodes.Clean, code);

        AssertRefused([runs.ShardPath(0), runs.ShardPath(1), runs.ShardPath(2)],
            "testbed merge: differential sweep: shard(s) 3 of 4 missing (3 of 4 given)");
        AssertRefused([runs.ShardPath(0), runs.ShardPath(1), runs.ShardPath(2), runs.ShardPath(2)],
            $"testbed merge: shard 2/4 given twice: {runs.ShardPath(2)} and {runs.ShardPath(2)}");
        AssertRefused([runs.ShardPath(0), runs.ShardPath(1), runs.ShardPath(2), other],
            $"testbed merge: not the same sweep: seed is 5 in {runs.ShardPath(0)}, 6 in {other}");
        Assert.Equal("", stderr);
    }

    [Fact]
    public void A_shard_without_a_result_file_is_a_usage_error()
    {
        var (code, stdout, stderr) = CliProcess.Run([.. Sweep, "--shard", "1/4"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("testbed differential: --shard needs --result", stderr.Trim());
    }

    [Theory]
    [InlineData("--seeds", "0")]
    [InlineData("--ops", "0")]
    [InlineData("--seed", "-1")]
    [InlineData("--config", "mmu-rcu")]
    [InlineData("--mix", "nommu-shared-file")]
    [InlineData("--shard", "4/4", "--result", "x.json")]
    [InlineData("--shard", "1/0", "--result", "x.json")]
    [InlineData("--shard", "one", "--result", "x.json")]
    public async Task A_bad_option_is_one_line_and_exit_2_before_anything_runs(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await TestbedApp.RunAsync(["differential", .. args], AddressSpaceFactory.Default, output, error);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("testbed differential: ", Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("", output.ToString());
    }

    [Theory]
    [InlineData("differential")]
    [InlineData("ab")]
    [InlineData("pct")]
    public async Task Help_documents_the_shard_and_result_options(string command)
    {
        var output = new StringWriter();

        var code = await TestbedApp.RunAsync([command, "--help"], AddressSpaceFactory.Default, output, new StringWriter());

        Assert.Equal(ExitCodes.Clean, code);
        Assert.Contains("--shard", output.ToString());
        Assert.Contains("--result", output.ToString());
        Assert.Contains("0 clean, 1 findings", output.ToString());
    }

    private static void AssertRefused(string[] files, string message)
    {
        var (code, stdout, stderr) = CliProcess.Run(["merge", .. files]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        Assert.Equal(message, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
