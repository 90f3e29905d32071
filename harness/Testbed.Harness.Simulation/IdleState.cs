// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One cpuidle state of a CPU as its driver registers it: <see cref="ExitLatencyNs"/> (the
/// driver's exit_latency: the time from the wake-up event to the CPU running again) and
/// <see cref="TargetResidencyNs"/> (the shortest idle period for which the state pays off: the
/// governor enters it only for an idle period it expects to last at least that long).
/// </summary>
public sealed record IdleState(string Name, double ExitLatencyNs, double TargetResidencyNs)
{
    /// <summary>Exit latency, ns (≥ 0).</summary>
    public double ExitLatencyNs { get; } = ExitLatencyNs >= 0 && double.IsFinite(ExitLatencyNs)
        ? ExitLatencyNs
        : throw new ArgumentOutOfRangeException(nameof(ExitLatencyNs), ExitLatencyNs, "an exit latency is a finite time ≥ 0");

    /// <summary>Target residency, ns (≥ 0).</summary>
    public double TargetResidencyNs { get; } = TargetResidencyNs >= 0 && double.IsFinite(TargetResidencyNs)
        ? TargetResidencyNs
        : throw new ArgumentOutOfRangeException(nameof(TargetResidencyNs), TargetResidencyNs, "a target residency is a finite time ≥ 0");
}
