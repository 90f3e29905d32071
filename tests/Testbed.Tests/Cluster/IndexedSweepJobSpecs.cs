// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// A sweep of deploy/kubernetes/ as an Indexed Job whose completion index is the shard, the volume
/// its shards write to, and the Job that merges them, read as YAML and held to what running them
/// needs; each sweep's own specs derive from this. Whether the image really runs these command
/// lines is <see cref="ImageSpecs"/> (opt-in: the image build takes minutes).
/// </summary>
public abstract class IndexedSweepJobSpecs(string sweepFile, string mergeFile)
{
    /// <summary>The sweep's Indexed Job.</summary>
    private protected JobManifest Sweep { get; } = JobManifest.Load(sweepFile);

    /// <summary>The Job that merges its shards.</summary>
    private protected JobManifest Merge { get; } = JobManifest.Load(mergeFile);

    [Fact]
    public void The_sweep_is_an_indexed_batch_v1_job_with_one_pod_per_shard_all_at_once()
    {
        var shards = SweepShards();

        Assert.Equal("batch/v1", Sweep.Root.Text("apiVersion"));
        Assert.Equal("Job", Sweep.Root.Text("kind"));
        Assert.Equal("Indexed", Sweep.Spec.Text("completionMode"));
        Assert.Equal(shards, Sweep.Spec.Int("completions"));
        Assert.Equal(shards, Sweep.Spec.Int("parallelism"));
        Assert.Equal("Never", Sweep.Pod.Text("restartPolicy"));
    }

    [Fact]
    public void Expanded_as_Kubernetes_does_each_index_runs_its_own_shard_into_its_own_file_on_the_shared_volume()
    {
        var shards = SweepShards();
        var claim = YamlFile.LoadSingle(JobManifest.FileOf("results-pvc.yaml"));

        var lines = Enumerable.Range(0, shards).Select(Sweep.CommandLineFor).ToArray();
        var files = lines.Select(l => JobManifest.OptionOf(l, "--result")).ToArray();

        Assert.Equal(Enumerable.Range(0, shards).Select(k => new Shard(k, shards)),
            lines.Select(l => Shard.Parse(JobManifest.OptionOf(l, "--shard"))));
        Assert.Equal(shards, files.Distinct().Count());
        Assert.All(files, f => Assert.DoesNotContain("$(", f, StringComparison.Ordinal));
        Assert.Equal("PersistentVolumeClaim", claim.Text("kind"));
        Assert.Equal(["ReadWriteMany"], claim.Map("spec").Seq("accessModes").Texts());
        Assert.All(files, f => Assert.Equal(claim.Map("metadata").Text("name"), Sweep.VolumePathOf(f).Claim));
    }

    [Fact]
    public void A_shard_with_findings_is_not_retried_and_a_usage_error_stops_the_job()
    {
        var rules = Sweep.Spec.Map("podFailurePolicy").Seq("rules").Maps();
        var onExitCodes = rules.Where(r => r.Has("onExitCodes")).ToArray();
        string ActionOn(int exitCode) => onExitCodes.Single(r =>
            r.Map("onExitCodes").Text("operator") == "In" &&
            r.Map("onExitCodes").Seq("values").Texts().Contains(exitCode.ToString())).Text("action");

        Assert.Equal("FailIndex", ActionOn(1));
        Assert.Equal("FailJob", ActionOn(2));
        Assert.All(onExitCodes, r => Assert.Equal(Sweep.Container.Text("name"), r.Map("onExitCodes").Text("containerName")));
        Assert.True(Sweep.Spec.Int("backoffLimitPerIndex") >= 0);
    }

    [Fact]
    public void The_merge_job_merges_exactly_the_shards_results_from_the_same_volume_in_the_same_image()
    {
        var shards = SweepShards();
        var results = Enumerable.Range(0, shards)
            .Select(k => Sweep.VolumePathOf(JobManifest.OptionOf(Sweep.CommandLineFor(k), "--result")))
            .Select(v => (v.Claim, v.Relative)).ToHashSet();
        var line = Merge.CommandLineFor(0);
        var inputs = line.Skip(2).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();

        Assert.Equal(["testbed", "merge"], line.Take(2));
        Assert.True(results.SetEquals(inputs.Select(f => Merge.VolumePathOf(f)).Select(v => (v.Claim, v.Relative))),
            $"the merge reads {string.Join(' ', inputs)}");
        var output = Merge.VolumePathOf(JobManifest.OptionOf(line, "--result"));
        Assert.DoesNotContain((output.Claim, output.Relative), results);
        Assert.Equal(Sweep.Image, Merge.Image);
        Assert.Equal("Never", Merge.Pod.Text("restartPolicy"));
        Assert.NotEqual("Indexed", Merge.Spec.TextOrNull("completionMode"));
    }

    [Fact]
    public void Every_option_the_jobs_pass_is_one_the_CLI_has()
    {
        CliOptions.AssertKnown(Sweep.CommandLine);
        CliOptions.AssertKnown(Merge.CommandLine);
    }

    /// <summary>The n of the sweep's --shard $(JOB_COMPLETION_INDEX)/n.</summary>
    protected int SweepShards()
    {
        var shard = Sweep.Option("--shard");
        var slash = shard.LastIndexOf('/');
        return slash > 0 && int.TryParse(shard[(slash + 1)..], out var n) && n > 0
            ? n
            : throw new InvalidDataException($"--shard {shard} is not INDEX/n");
    }
}
