// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// deploy/kubernetes/sweep-job.yaml: the Indexed Job of a differential seed sweep (and
/// merge-job.yaml), held to what every sweep Job needs (<see cref="IndexedSweepJobSpecs"/>) and
/// to being a differential seed sweep.
/// </summary>
public sealed class SweepJobManifestSpecs() : IndexedSweepJobSpecs("sweep-job.yaml", "merge-job.yaml")
{
    [Fact]
    public void The_sweep_is_a_differential_seed_sweep_whose_shard_is_the_completion_index()
    {
        var line = Sweep.CommandLine;

        Assert.Equal(["testbed", "differential"], line.Take(2));
        Assert.Equal("1", Sweep.Option("--seed"));
        Assert.True(int.Parse(Sweep.Option("--seeds")) > 1, "a seed sweep of one seed");
        Assert.Equal($"$({JobManifest.IndexVariable})/{SweepShards()}", Sweep.Option("--shard"));
        Assert.Equal(JobManifest.IndexAnnotation, Sweep.VariableAnnotation(JobManifest.IndexVariable));
    }
}
