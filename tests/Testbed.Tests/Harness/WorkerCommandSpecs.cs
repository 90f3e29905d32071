// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// How a worker is started: <c>dotnet exec testbed-worker.dll</c> from a framework-dependent host
/// such as this test run; its apphost from a self-contained publish, which has no dotnet host
/// (that side runs in the container image: ImageSpecs' concurrent compare).
/// </summary>
public sealed class WorkerCommandSpecs
{
    [Fact]
    public void A_framework_dependent_host_starts_the_worker_through_dotnet_exec()
    {
        var assembly = WorkerLauncher.LocateAssembly(new WorkerOptions("native", "mmu", new Workload(WorkloadMix.Mixed, 1, 1, 1)));

        var (file, prefix) = ChildProcess.DotnetCommand(assembly);

        Assert.False(ChildProcess.IsSelfContained());
        Assert.True(File.Exists(Path.ChangeExtension(assembly, null)), "the worker's apphost is built beside it");
        Assert.Equal(ChildProcess.DotnetHost(), file);
        Assert.Equal(["exec", assembly], prefix);
    }
}
