// SPDX-License-Identifier: GPL-2.0-only
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Testbed.Benchmarks;

/// <summary>The two run configurations: the full default job, and a quick one for a 2-core box.</summary>
public static class BenchmarkConfig
{
    /// <summary>Where reports go unless --artifacts says otherwise (build/ is ignored by git).</summary>
    public const string DefaultArtifacts = "build/benchmarks";

    /// <summary>
    /// Full: BenchmarkDotNet's default job (a separate, generated process per benchmark, pilot
    /// and as many iterations as the statistics ask for). Quick: in-process (no generated
    /// project to build), 1 launch, 4 warmups, 15 iterations of about 120 ms each — the whole
    /// suite in under 2 minutes on 2 cores, at the price of wider error bars and no process isolation.
    /// </summary>
    public static IConfig Create(bool quick)
    {
        var job = quick
            ? Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(4)
                .WithIterationCount(15)
                .WithIterationTime(TimeInterval.FromMilliseconds(120))
                .WithId("quick")
            : Job.Default.WithId("full");
        return DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(DefaultArtifacts);
    }
}
