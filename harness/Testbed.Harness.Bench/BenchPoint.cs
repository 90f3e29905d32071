// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// Throughput of one (workload, backend, config, threads): every repeat's operations per
/// second, their median and spread. <see cref="Oversubscribed"/>: more threads than CPUs.
/// </summary>
public sealed record BenchPoint(
    string Workload,
    string Backend,
    string Config,
    int Threads,
    bool Oversubscribed,
    long OpsPerRun,
    IReadOnlyList<double> OpsPerSecond,
    long Errors)
{
    /// <summary>The median over the repeats.</summary>
    public double Median => BenchMath.Median(OpsPerSecond);

    /// <summary>The slowest repeat.</summary>
    public double Min => OpsPerSecond.Count == 0 ? 0 : OpsPerSecond.Min();

    /// <summary>The fastest repeat.</summary>
    public double Max => OpsPerSecond.Count == 0 ? 0 : OpsPerSecond.Max();

    /// <summary>(max - min) / median: the spread of the repeats.</summary>
    public double Spread => Median > 0 ? (Max - Min) / Median : 0;
}
