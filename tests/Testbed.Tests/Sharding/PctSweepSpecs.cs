// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Cli.Commands;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// <c>testbed pct</c> cut into 4 shards and merged: (scenario, schedule) units with PCT against
/// a managed mutant (a shard that finds its own first failure later than the sweep's is put
/// right by the merge), and scenario units with the exhaustive search.
/// </summary>
public sealed class PctSweepSpecs
{
    [Fact]
    public void Four_shards_of_a_pct_sweep_with_failures_merge_into_one_runs_first_failures_and_shrunk_schedules()
    {
        using var runs = FourShards.Run("pct", "--mutant", "managed-get-vma-ref-after-unlock", "--config", "mmu-spf", "--schedules", "30");

        runs.AssertSameReport();
        Assert.Equal(ExitCodes.Findings, runs.SingleCode);
        Assert.Contains("spf-vs-munmap (managed, mmu-spf, pct): FAILS after", runs.MergeText);
        Assert.Contains("replay: ./scripts/testbed pct --mutant managed-get-vma-ref-after-unlock --config mmu-spf --scenario spf-vs-munmap --replay ",
            runs.MergeText);
        var merged = runs.Merged();
        Assert.Equal(14 * 30, merged.Units);
        // Some shard ran past the sweep's first failure of a scenario; the merge skips those units as one run does.
        var ranPastFirstFailure = Enumerable.Range(0, 4)
            .SelectMany(k => SweepFile.Read(runs.ShardPath(k)).Results)
            .Count(u => PctSweep.Outcome(u.Result) != PctSweep.Skipped
                && PctSweep.Outcome(merged.Results[u.Index].Result) == PctSweep.Skipped);
        Assert.True(ranPastFirstFailure > 0, "no shard ran a schedule after its scenario's first failure: the merge's rule went untested");
    }

    [Fact]
    public void Four_shards_of_an_exhaustive_search_split_by_scenario_merge_into_the_report_of_one_run()
    {
        using var runs = FourShards.Run("pct", "--backend", "managed", "--config", "mmu-spf", "--strategy", "exhaustive", "--preemptions", "1");

        runs.AssertSameReport();
        Assert.Equal(ExitCodes.Clean, runs.SingleCode);
        Assert.Equal(14, runs.Merged().Units);
        Assert.Contains("spf-vs-munmap (managed, mmu-spf, exhaustive): passes (space exhausted)", runs.MergeText);
    }
}
