// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Cli.Commands;
using Testbed.Harness.AB;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary><c>testbed ab</c> (units: sequences) cut into 4 shards and merged: clean, and with findings.</summary>
public sealed class AbSweepSpecs
{
    [Fact]
    public void Four_shards_merged_give_the_report_of_one_run()
    {
        using var runs = FourShards.Run("ab", "--seed", "40", "--sequences", "7", "--ops", "20");

        runs.AssertSameReport();
        Assert.Equal(ExitCodes.Clean, runs.SingleCode);
        var summary = AbSweep.Summary(runs.Merged());
        Assert.Equal(7, summary.Sequences);
        Assert.True(summary.InjectedFailures > 0, "no allocation was made to fail");
        AssertSameJson(runs);
    }

    [Fact]
    public void Four_shards_of_a_run_with_differences_merge_into_the_same_differences_seeds_and_replays()
    {
        // nommu-badfree: the test-only config whose __free_vma skips an fput.
        using var runs = FourShards.Run("ab", "--configs", "nommu-orig,nommu-badfree", "--seed", "3", "--sequences", "6", "--ops", "20");

        runs.AssertSameReport();
        Assert.Equal(ExitCodes.Findings, runs.SingleCode);
        var differences = AbSweep.Summary(runs.Merged()).Differences;
        Assert.NotEmpty(differences);
        // Sequence i is seed 3 + i whichever shard ran it; the differences are in sequence order.
        Assert.Equal(differences.Select(d => d.Seed).Order(), differences.Select(d => d.Seed));
        Assert.All(differences, d => Assert.InRange(d.Seed, 3UL, 8UL));
        Assert.Contains($"replay: ./scripts/testbed ab --seed {differences[0].Seed} --sequences 1", runs.MergeText);
        AssertSameJson(runs);
    }

    private static void AssertSameJson(FourShards runs)
    {
        var options = new JsonSerializerOptions { WriteIndented = true };
        Assert.Equal(JsonSerializer.Serialize(AbSweep.Summary(runs.Single()), options),
            JsonSerializer.Serialize(AbSweep.Summary(runs.Merged()), options));
    }
}
