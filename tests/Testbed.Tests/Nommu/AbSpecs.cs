// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.AB;
using Testbed.Harness.Backends;
using Xunit;

namespace Testbed.Tests.Nommu;

/// <summary>The A/B check of the generalized __free_vma, and proof that it bites.</summary>
public sealed class AbSpecs
{
    private static readonly AbRunner Runner = new(config => new NativeAddressSpace(config));

    [Fact]
    public void Nommu_and_nommu_orig_agree_on_a_thousand_sequences_with_every_allocation_failing_in_turn()
    {
        var options = new AbOptions(Seed: 1000, Sequences: 1000, Ops: 24);

        var summary = Runner.Run(options);

        Assert.True(summary.Differences.Count == 0,
            string.Join(Environment.NewLine, summary.Differences.Take(3).Select(d => d.ToString())));
        Assert.Equal(1000, summary.Sequences);
        Assert.True(summary.InjectedFailures > 1000, $"only {summary.InjectedFailures} injected failures");
        Assert.True(summary.ReorderedOps > 0, "no delete_vma of a file mapping was compared");
        Assert.Contains(summary.ErrorPaths, p => p.StartsWith("Mmap -12 injected [RegionAlloc,RegionFree]", StringComparison.Ordinal));
        Assert.Contains(summary.ErrorPaths, p => p.StartsWith("Mmap -22 [VmaAlloc,VmaFree", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ab_check_reports_the_broken_helper_of_nommu_badfree_with_seed_and_replay()
    {
        var options = new AbOptions(Seed: 7, Sequences: 5, Ops: 40, ConfigA: "nommu", ConfigB: "nommu-badfree", Inject: false);

        var summary = Runner.Run(options);

        Assert.NotEmpty(summary.Differences);
        var first = summary.Differences[0];
        Assert.Equal("trace", first.What);
        Assert.Contains("--seed 7", first.Replay, StringComparison.Ordinal);
        Assert.True(first.TraceA.Count > first.TraceB.Count);
    }
}
