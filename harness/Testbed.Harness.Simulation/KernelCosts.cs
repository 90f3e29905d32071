// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The host kernel's own cost per operation kind and workload (<see cref="KernelCalibrator"/>):
/// which kernel (<see cref="Release"/>), when (<see cref="Taken"/>, <see cref="Seconds"/> the
/// measurement took, the load average before and after), how (<see cref="Method"/>), and
/// where page-fault2/3's file lay (<see cref="FileSystem"/>: will-it-scale makes it in /tmp).
/// </summary>
public sealed record KernelCosts(
    string Release,
    DateTimeOffset Taken,
    double Seconds,
    string LoadAverage,
    int OpsPerWorkload,
    int Rounds,
    string? FileSystem,
    string Method,
    IReadOnlyList<KernelCost> Workloads)
{
    /// <summary>
    /// What each further 4 KiB of a bigger page adds to a fault (<see cref="PageZeroing"/>); null
    /// in a calibration taken before it was measured.
    /// </summary>
    public PageZeroing? Zeroing { get; init; }

    /// <summary>The kernel's costs on <paramref name="workload"/>.</summary>
    public KernelCost For(string workload) =>
        Workloads.FirstOrDefault(w => w.Workload == workload)
        ?? throw new InvalidOperationException($"the calibration has no kernel costs for {workload}: recalibrate (testbed simulate --calibrate-kernel)");
}
