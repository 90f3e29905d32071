// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;
using Testbed.Harness.Kernel;
using Testbed.Harness.Sharding;
using YamlDotNet.RepresentationModel;
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// deploy/ci/github-actions-sweep.yml, the CI matrix example (not run here: no GitHub): a matrix
/// over the shards, each running the sweep with its shard and uploading its result, and a merge
/// job after all of them. Read as YAML and held to that.
/// </summary>
public sealed partial class CiMatrixSpecs
{
    private const string ShardExpression = "${{ matrix.shard }}";

    private static readonly YamlMappingNode Workflow =
        YamlFile.LoadSingle(Path.Combine(RepoPaths.Root(), "deploy", "ci", "github-actions-sweep.yml"));

    private static IReadOnlyList<(string Name, YamlMappingNode Job)> Jobs =>
        Workflow.Map("jobs").Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value)).ToArray();

    [Fact]
    public void The_matrix_runs_shards_0_to_n_minus_1_of_one_sweep_each_uploading_its_own_result()
    {
        var (_, job) = MatrixJob();
        var shards = job.Map("strategy").Map("matrix").Seq("shard").Texts().Select(int.Parse).ToArray();
        var line = SweepLine(job);
        var shard = JobManifest.OptionOf(line, "--shard");
        var result = JobManifest.OptionOf(line, "--result");
        var upload = job.Seq("steps").Maps().Single(s => s.TextOrNull("uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);

        Assert.Equal(Enumerable.Range(0, shards.Length), shards);
        Assert.Equal($"{ShardExpression}/{shards.Length}", shard);
        Assert.All(shards, k => Assert.Equal(new Shard(k, shards.Length), Shard.Parse(shard.Replace(ShardExpression, k.ToString(), StringComparison.Ordinal))));
        Assert.Contains(ShardExpression, result, StringComparison.Ordinal);
        Assert.Equal(result, upload.Map("with").Text("path"));
        Assert.Contains(ShardExpression, upload.Map("with").Text("name"), StringComparison.Ordinal);
        Assert.Equal("false", job.Map("strategy").Text("fail-fast"));
        Assert.Equal("always()", upload.Text("if"));
    }

    [Fact]
    public void The_merge_job_needs_the_matrix_job_and_merges_what_it_uploaded()
    {
        var (matrixName, matrix) = MatrixJob();
        var (_, merge) = Jobs.Single(j => j.Job.Seq("steps").Maps().Any(s => RunLine(s) is ["./scripts/testbed", "merge", ..]));
        var download = merge.Seq("steps").Maps().Single(s => s.TextOrNull("uses")?.StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true);
        var mergeLine = merge.Seq("steps").Maps().Select(RunLine).Single(l => l is ["./scripts/testbed", "merge", ..]);
        var uploaded = JobManifest.OptionOf(SweepLine(matrix), "--result");

        Assert.Contains(matrixName, merge.TextOrTexts("needs"));
        Assert.Equal("always()", merge.Text("if"));
        Assert.Equal("true", download.Map("with").Text("merge-multiple"));
        var folder = download.Map("with").Text("path");
        var pattern = uploaded.Replace(ShardExpression, "*", StringComparison.Ordinal);
        Assert.Equal(pattern, mergeLine[2]);
        Assert.StartsWith(folder + "/", pattern, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_option_the_workflow_passes_is_one_the_CLI_has()
    {
        foreach (var line in Jobs.SelectMany(j => j.Job.Seq("steps").Maps()).Select(RunLine).Where(l => l is ["./scripts/testbed", ..]))
            CliOptions.AssertKnown(line);
    }

    private static (string Name, YamlMappingNode Job) MatrixJob() =>
        Jobs.Single(j => j.Job.Has("strategy") && j.Job.Map("strategy").Map("matrix").Has("shard"));

    /// <summary>The matrix job's step that runs a sweep with --shard.</summary>
    private static IReadOnlyList<string> SweepLine(YamlMappingNode job) =>
        job.Seq("steps").Maps().Select(RunLine).Single(l => l.Contains("--shard"));

    /// <summary>A step's run: its words, with ${{ ... }} expressions kept whole; empty for a step without one.</summary>
    private static IReadOnlyList<string> RunLine(YamlMappingNode step) =>
        step.TextOrNull("run") is { } run ? Word().Matches(run).Select(m => m.Value).ToArray() : [];

    [GeneratedRegex(@"(?:\$\{\{[^}]*\}\}|\S)+")]
    private static partial Regex Word();
}
