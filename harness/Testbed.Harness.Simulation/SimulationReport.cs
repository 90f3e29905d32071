// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// What <c>testbed simulate</c> writes: its inputs, the validation, every simulated point and the
/// anchors, each anchor once per seed (<see cref="Seeds"/> of them from <see cref="Seed"/> on;
/// a prediction's seed is its points'); <see cref="Wakeup"/> names the wake-up choice, and each
/// of <see cref="Machines"/> its wake-up and where it came from.
/// </summary>
public sealed record SimulationReport(
    DateTimeOffset Taken,
    ulong Seed,
    int Seeds,
    string Backend,
    int Budget,
    Calibration Calibration,
    string Wakeup,
    IReadOnlyList<Machine> Machines,
    Validation Validation,
    IReadOnlyList<SimResult> Results,
    IReadOnlyList<AnchorPrediction> Anchors);
