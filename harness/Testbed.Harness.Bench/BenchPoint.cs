// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// Throughput of one (workload, backend, config, threads): every repeat's operations per
/// second, their median and spread. <see cref="Oversubscribed"/>: more threads than CPUs.
/// <see cref="Flavour"/>: the build flavour every timed run's address space reported ("perf" or
/// "checked"), asked of the library or the port that ran, not of the command line.
/// <see cref="Twin"/>: the A/A arm, the baseline config timed a second time in the same rounds.
/// <see cref="RoundRatios"/>: per round, this arm's ops/s over the baseline's of the same
/// backend in the same round (empty for the baseline itself).
/// </summary>
public sealed record BenchPoint(
    string Workload,
    string Backend,
    string Config,
    int Threads,
    bool Oversubscribed,
    long OpsPerRun,
    IReadOnlyList<double> OpsPerSecond,
    long Errors,
    string Flavour = "",
    bool Twin = false,
    IReadOnlyList<double>? RoundRatios = null)
{
    /// <summary>The median over the repeats.</summary>
    public double Median => BenchMath.Median(OpsPerSecond);

    /// <summary>The slowest repeat.</summary>
    public double Min => OpsPerSecond.Count == 0 ? 0 : OpsPerSecond.Min();

    /// <summary>The fastest repeat.</summary>
    public double Max => OpsPerSecond.Count == 0 ? 0 : OpsPerSecond.Max();

    /// <summary>(max - min) / median: the spread of the repeats.</summary>
    public double Spread => Median > 0 ? (Max - Min) / Median : 0;

    /// <summary>The arm's name in tables: the config, "(A/A)" added for the twin.</summary>
    public string Label => Twin ? $"{Config} (A/A)" : Config;

    /// <summary>The median of the per-round ratios to the baseline, minus 1 (null: the baseline, or no rounds).</summary>
    public double? VsBaseline => RoundRatios is { Count: > 0 } r ? BenchMath.Median(r) - 1 : null;
}
