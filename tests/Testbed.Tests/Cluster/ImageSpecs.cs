// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.Versioning;
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Cluster;

/// <summary>
/// The container image built here from Debian packages (scripts/cluster/image/build-image.sh) runs
/// what deploy/kubernetes/ tells a cluster to run: each completion index's command line, taken from
/// the manifest and expanded as Kubernetes expands it, under podman with a folder mounted where the
/// manifest mounts the shared volume; the merge Job's command line over the four results; and the
/// merged report is the report of one run of the same sweep outside the image. Opt-in (building
/// the image takes minutes): category Image, run by `./scripts/build-and-test.sh --image`.
/// </summary>
[Trait("Category", "Image")]
[SupportedOSPlatform("linux")]
public sealed class ImageSpecs(ImageBuild build, ITestOutputHelper output) : IClassFixture<ImageBuild>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The kernel sweep's size here: 10 sequences a shard, each shard one QEMU boot.</summary>
    private const int KernelSequences = 40;

    [Fact]
    public async Task The_image_is_Debian_bookworm_with_the_CLI_on_PATH_as_an_unprivileged_user()
    {
        output.WriteLine(build.Log);

        var (code, stdout, stderr) = await Podman.RunAsync(
            ["run", "--rm", build.Image, "sh", "-c", "cat /etc/debian_version; id -u; dpkg-query -W -f='${Status}\\n' liburcu8; testbed --help >/dev/null && echo cli-ok"],
            RunTimeout);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("12.", lines[0], StringComparison.Ordinal);
        Assert.Equal(["65534", "install ok installed", "cli-ok"], lines[1..]);
    }

    [Fact]
    public Task Each_completion_index_runs_its_shard_in_the_image_and_the_merge_is_the_single_runs_report() =>
        AssertShardsInTheImageMergeToTheSingleRunAsync(JobManifest.Load("sweep-job.yaml"), JobManifest.Load("merge-job.yaml"), line => line);

    /// <summary>
    /// The kernel Job's pods boot Debian's kernel under QEMU inside the image (TESTBED_ROOT's tree,
    /// the guest program built, no make or gcc) and the merge is a kernel run's on this machine.
    /// The manifest's command lines run as written but for --sequences, cut to
    /// <see cref="KernelSequences"/>: four boots at once and the run outside the image share
    /// CI's 2 cores, and the boots (about 5 s each under TCG alone) are what is tested here.
    /// </summary>
    [Fact]
    public Task Each_completion_index_of_the_kernel_job_boots_its_shard_under_QEMU_in_the_image_and_the_merge_is_the_single_runs_report() =>
        AssertShardsInTheImageMergeToTheSingleRunAsync(JobManifest.Load("kernel-sweep-job.yaml"), JobManifest.Load("kernel-merge-job.yaml"),
            line => WithOption(line, "--sequences", KernelSequences.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task A_concurrent_run_in_the_image_isolates_its_threads_in_worker_processes()
    {
        var (code, stdout, stderr) = await Podman.RunAsync(
            ["run", "--rm", build.Image, "testbed", "compare", "--config", "mmu-spf", "--seed", "3", "--ops", "300", "--sequential-ops", "300"],
            RunTimeout);
        output.WriteLine(stdout + stderr);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("compare: no difference, violation or leak", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs each completion index of <paramref name="sweep"/> under podman (its command line from the
    /// manifest, as Kubernetes expands it, then <paramref name="adapt"/>ed), the merge Job's command
    /// over their results, and one run of the same sweep outside the image; the merge must be that run.
    /// </summary>
    private async Task AssertShardsInTheImageMergeToTheSingleRunAsync(JobManifest sweep, JobManifest merge,
        Func<IReadOnlyList<string>, IReadOnlyList<string>> adapt)
    {
        var n = sweep.Spec.Int("completions");
        var volume = Directory.CreateTempSubdirectory("testbed-image-spec-").FullName;
        // The pods run as the manifest's unprivileged user: the volume must be writable to them.
        File.SetUnixFileMode(volume, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        try
        {
            await AssertSameImageAsync(sweep.Image);
            await AssertSameImageAsync(merge.Image);

            // The pods of the Job: all at once (parallelism n), each with its completion index.
            var runs = await Task.WhenAll(Enumerable.Range(0, n).Select(k => RunInImageAsync(sweep, k, volume, adapt)));
            var shards = new List<string>();
            for (var k = 0; k < n; k++)
            {
                var (code, stdout, stderr) = runs[k];
                output.WriteLine($"--- index {k}: exit {code}\n{stdout}{stderr}");
                Assert.True(code == 0, $"index {k} exited {code}: {stderr}");
                var (_, _, relative) = sweep.VolumePathOf(JobManifest.OptionOf(adapt(sweep.CommandLineFor(k)), "--result"));
                var file = Path.Combine(volume, relative);
                var shard = SweepFile.Read(file);
                Assert.Equal(new Shard(k, n), shard.Shard);
                Assert.NotEmpty(shard.Results);
                Assert.All(shard.Results, u => Assert.Equal(k, u.Index % n));
                Assert.Equal(sweep.CommandLine[1], shard.Kind);
                shards.Add(file);
            }

            var (mergeCode, mergeOut, mergeErr) = await RunInImageAsync(merge, 0, volume, line => line);
            output.WriteLine($"--- merge: exit {mergeCode}\n{mergeOut}{mergeErr}");
            Assert.True(mergeCode == 0, $"the merge Job's command exited {mergeCode}: {mergeErr}");
            var merged = SweepFile.Read(Path.Combine(volume, merge.VolumePathOf(JobManifest.OptionOf(merge.CommandLine, "--result")).Relative));

            var single = Path.Combine(volume, "single.json");
            var singleLine = SingleRun(adapt(sweep.CommandLineFor(0)), single);
            var (singleCode, singleOut, singleErr) = RunOnHost(singleLine);
            output.WriteLine($"--- one run outside the image: testbed {string.Join(' ', singleLine)}: exit {singleCode}\n{singleOut}{singleErr}");
            Assert.True(singleCode == 0, singleErr);

            var (sameCode, sameOut, sameErr) = RunOnHost(["merge", .. shards, "--same-as", single]);
            output.WriteLine($"--- merge --same-as: exit {sameCode}\n{sameOut}{sameErr}");
            Assert.True(sameCode == 0, sameOut + sameErr);
            Assert.Equal(SweepFile.Read(single).ReportJson(), merged.ReportJson());
            Assert.Equal(SweepFile.Read(single).Units, merged.Results.Count);
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    /// <summary>Fails unless the manifest's image is the one just built.</summary>
    private async Task AssertSameImageAsync(string manifestImage)
    {
        var (code, stdout, stderr) = await Podman.RunAsync(
            ["image", "inspect", "--format", "{{.Id}}", manifestImage, build.Image], RunTimeout);
        Assert.True(code == 0, $"podman image inspect {manifestImage} {build.Image}: {stderr}");
        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(ids.Length == 2 && ids[0] == ids[1], $"the manifest's {manifestImage} is not the image just built, {build.Image}");
    }

    /// <summary>
    /// The Job's pod for completion index <paramref name="index"/> under podman: its user, its
    /// command line as Kubernetes expands it, <paramref name="volume"/> where the shared volume is mounted.
    /// </summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunInImageAsync(JobManifest job, int index, string volume,
        Func<IReadOnlyList<string>, IReadOnlyList<string>> adapt)
    {
        var security = job.Pod.Map("securityContext");
        var mount = job.Container.Seq("volumeMounts").Maps().Single().Text("mountPath");
        return Podman.RunAsync(
            ["run", "--rm", "--network", "none",
             "--user", $"{security.Text("runAsUser")}:{security.Text("runAsGroup")}",
             "-v", $"{volume}:{mount}", job.Image, .. adapt(job.CommandLineFor(index))],
            RunTimeout);
    }

    /// <summary><paramref name="line"/> with the value after <paramref name="option"/> replaced.</summary>
    private static IReadOnlyList<string> WithOption(IReadOnlyList<string> line, string option, string value)
    {
        var at = line.ToList().IndexOf(option);
        Assert.True(at >= 0 && at + 1 < line.Count, $"the command line has no {option}: {string.Join(' ', line)}");
        return [.. line.Take(at + 1), value, .. line.Skip(at + 2)];
    }

    /// <summary>A shard's command line as the whole sweep's (no --shard) writing to <paramref name="result"/>, without "testbed".</summary>
    private static string[] SingleRun(IReadOnlyList<string> shardLine, string result)
    {
        var line = new List<string>();
        for (var i = 1; i < shardLine.Count; i++)
        {
            if (shardLine[i] is "--shard" or "--result")
            {
                i++;
                continue;
            }
            line.Add(shardLine[i]);
        }
        return [.. line, "--result", result];
    }

    private static (int ExitCode, string Stdout, string Stderr) RunOnHost(string[] args)
    {
        using var cli = CliProcess.Start(args);
        var code = cli.WaitForExit(RunTimeout);
        return (code, cli.Stdout, cli.Stderr);
    }
}
