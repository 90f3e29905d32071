// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The engine's invariants, checked before any prediction: one CPU spends exactly the
/// calibrated single-thread time (no transfer, no wait); with every transfer free, threads
/// that share no lock they wait for (pft on mmu) scale linearly and spend nothing on the
/// lines they still move; the same seed gives the same virtual times.
/// </summary>
public sealed record Validation(
    string OneCpuPoint,
    double OneCpuCalibratedNs,
    double OneCpuSimulatedNs,
    long OneCpuTransfers,
    double OneCpuWaitNs,
    string ZeroCostPoint,
    int ZeroCostThreads,
    double ZeroCostSpeedup,
    double ZeroCostTransferNs,
    string DeterminismPoint,
    bool Deterministic)
{
    /// <summary>Which local work the one-CPU and zero-cost points cost ("model" or "kernel").</summary>
    public string Local { get; init; } = LocalWork.Model.Name();

    /// <summary>|simulated − calibrated| / calibrated at one CPU.</summary>
    public double OneCpuError => Math.Abs(OneCpuSimulatedNs - OneCpuCalibratedNs) / Math.Max(OneCpuCalibratedNs, 1e-9);

    /// <summary>Whether every invariant holds (one CPU within 1e-9, speedup within 5 % of the thread count, determinism).</summary>
    public bool Holds => OneCpuError < 1e-9 && OneCpuTransfers == 0 && OneCpuWaitNs == 0
        && Math.Abs(ZeroCostSpeedup - ZeroCostThreads) <= 0.05 * ZeroCostThreads && ZeroCostTransferNs == 0 && Deterministic;
}
