// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>Everything one <c>testbed bench</c> run measured, as written to its JSON file.</summary>
public sealed record BenchReport(
    DateTimeOffset Date,
    string Machine,
    int Cpus,
    string ManagedFlavour,
    ulong Seed,
    string Preset,
    FloorReport? Floor,
    IReadOnlyList<HotPathReport> HotPaths,
    IReadOnlyList<InteropMixReport> Mixes,
    IReadOnlyList<BenchPoint> Throughput,
    IReadOnlyList<CountedMetrics> Counted);
