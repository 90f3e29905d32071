// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// deploy/kubernetes/kernel-sweep-job.yaml: the Indexed Job of a kernel-sequence sweep (and
/// kernel-merge-job.yaml), held to what every sweep Job needs (<see cref="IndexedSweepJobSpecs"/>),
/// to being a kernel sweep booted under QEMU in the image, and to pods sized for that boot.
/// </summary>
public sealed class KernelSweepJobManifestSpecs() : IndexedSweepJobSpecs("kernel-sweep-job.yaml", "kernel-merge-job.yaml")
{
    [Fact]
    public void The_sweep_is_a_kernel_sequence_sweep_under_QEMU_whose_shard_is_the_completion_index()
    {
        var line = Sweep.CommandLine;

        Assert.Equal(["testbed", "kernel"], line.Take(2));
        Assert.Equal("1", Sweep.Option("--seed"));
        Assert.True(int.Parse(Sweep.Option("--sequences"), CultureInfo.InvariantCulture) >= SweepShards(),
            "fewer sequences than shards");
        Assert.Equal($"$({JobManifest.IndexVariable})/{SweepShards()}", Sweep.Option("--shard"));
        Assert.Equal(JobManifest.IndexAnnotation, Sweep.VariableAnnotation(JobManifest.IndexVariable));
        // The image's kernel under TCG: no host kernel, no /dev/kvm, no kernel build in a pod.
        Assert.DoesNotContain("--host", line);
        Assert.DoesNotContain("--kvm", line);
        Assert.DoesNotContain("--build", line);
    }

    [Fact]
    public void Each_pod_requests_QEMUs_vCPUs_and_memory_and_QEMUs_timeout_ends_within_the_jobs_deadline()
    {
        var qemu = new QemuOptions();
        var resources = Sweep.Container.Map("resources");
        var requests = resources.Map("requests");

        Assert.True(decimal.Parse(requests.Text("cpu"), CultureInfo.InvariantCulture) >= qemu.Cpus,
            $"a pod asks for {requests.Text("cpu")} CPUs; QEMU runs {qemu.Cpus} TCG vCPU threads");
        Assert.True(MiB(requests.Text("memory")) > qemu.MemoryMiB,
            $"a pod asks for {requests.Text("memory")}; QEMU's guest alone is {qemu.MemoryMiB} MiB");
        Assert.True(MiB(resources.Map("limits").Text("memory")) >= MiB(requests.Text("memory")));
        var timeout = int.Parse(Sweep.Option("--timeout"), CultureInfo.InvariantCulture);
        Assert.True(timeout > qemu.Timeout.TotalSeconds, "a shard of the sweep gets no more than one small run's --timeout");
        Assert.True(timeout < Sweep.Spec.Int("activeDeadlineSeconds"), "the Job's deadline ends a shard before QEMU's --timeout does");
    }

    [Fact]
    public void Its_shards_and_merge_write_files_of_their_own_on_the_volume_the_differential_job_shares()
    {
        var differential = JobManifest.Load("sweep-job.yaml");
        var differentialMerge = JobManifest.Load("merge-job.yaml");
        var n = SweepShards();
        static (string Claim, string Relative) Written(JobManifest job, IReadOnlyList<string> line)
        {
            var (claim, _, relative) = job.VolumePathOf(JobManifest.OptionOf(line, "--result"));
            return (claim, relative);
        }

        var kernel = Enumerable.Range(0, n).Select(k => Written(Sweep, Sweep.CommandLineFor(k)))
            .Append(Written(Merge, Merge.CommandLine)).ToHashSet();
        var other = Enumerable.Range(0, differential.Spec.Int("completions"))
            .Select(k => Written(differential, differential.CommandLineFor(k)))
            .Append(Written(differentialMerge, differentialMerge.CommandLine));

        Assert.Empty(kernel.Intersect(other));
        Assert.NotEqual(differential.Root.Map("metadata").Text("name"), Sweep.Root.Map("metadata").Text("name"));
        Assert.NotEqual(differentialMerge.Root.Map("metadata").Text("name"), Merge.Root.Map("metadata").Text("name"));
    }

    /// <summary>A Kubernetes memory quantity (Mi or Gi) in MiB.</summary>
    private static decimal MiB(string quantity) =>
        quantity.EndsWith("Gi", StringComparison.Ordinal) ? decimal.Parse(quantity[..^2], CultureInfo.InvariantCulture) * 1024
        : quantity.EndsWith("Mi", StringComparison.Ordinal) ? decimal.Parse(quantity[..^2], CultureInfo.InvariantCulture)
        : throw new InvalidDataException($"memory quantity {quantity}: expected Mi or Gi");
}
