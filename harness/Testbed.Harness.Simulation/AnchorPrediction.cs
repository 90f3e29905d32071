// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One anchor: the published difference and the predicted one, with the two simulated points
/// behind it, and the other designs' predicted differences from mmu on the same machine and
/// CPU count (<see cref="Others"/>: empty when only the anchor's design was simulated).
/// </summary>
public sealed record AnchorPrediction(
    string Row,
    string Source,
    string Machine,
    string Workload,
    string Config,
    int Threads,
    string Published,
    double? PublishedPct,
    double PredictedPct,
    bool SignMatches,
    bool? Within10,
    bool? WithinFactor2,
    SimResult Design,
    SimResult Baseline,
    IReadOnlyDictionary<string, double> Others);
