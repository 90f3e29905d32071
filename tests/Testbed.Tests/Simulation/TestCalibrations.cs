// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The simulation specs' fixed calibrations: ns per operation and a wake-up, nothing measured.
/// Each spec picks its own costs; what they share — the calibration's frame, the wake-up, the
/// kernel's costs for every workload — is built here.
/// </summary>
internal static class TestCalibrations
{
    /// <summary>A sleeper's wake → run, ns.</summary>
    public const double WakeupNs = 3000;

    /// <summary>The releaser's wake call, ns.</summary>
    public const double WakeCallNs = 700;

    /// <summary>The test wake-up (<see cref="WakeupNs"/>, <see cref="WakeCallNs"/>).</summary>
    public static Wakeup Wakeup { get; } = new(WakeupNs, WakeCallNs, [WakeupNs], [WakeCallNs], "test values");

    /// <summary>Mmap, munmap and fault costs, ns per operation (a file open: 100).</summary>
    public static Dictionary<string, double> PerKind(double mmap, double munmap, double fault) =>
        new() { ["Mmap"] = mmap, ["Munmap"] = munmap, ["Fault"] = fault, ["FileOpen"] = 100 };

    /// <summary>
    /// A calibration at <paramref name="budget"/> with <paramref name="local"/>'s costs for each
    /// of <paramref name="configs"/> on each of <paramref name="workloads"/>, the test wake-up,
    /// and, given <paramref name="kernel"/>, the kernel's costs on every workload.
    /// </summary>
    public static Calibration Of(int budget, IEnumerable<string> configs, IEnumerable<BenchWorkload> workloads,
        Func<string, Dictionary<string, double>> local, Func<Dictionary<string, double>>? kernel = null) =>
        new(DateTimeOffset.UnixEpoch, "test", 8, budget, 1, 40, [40],
            [.. configs.SelectMany(c => workloads.Select(w => new LocalCost(c, w.Name(), local(c))))])
        {
            Wakeup = Wakeup,
            Kernel = kernel is null ? null : new KernelCosts("test", DateTimeOffset.UnixEpoch, 1, "0 0 0 -> 0 0 0", budget, 1, "ext4", "test values",
                [.. BenchWorkloads.All.Select(w => new KernelCost(w.Name(), kernel()))]),
        };

    /// <summary>What <paramref name="point"/>'s operations cost at <paramref name="costs"/>' ns per operation: one CPU alone spends exactly this.</summary>
    public static double CostOf(SimResult point, LocalCost costs) =>
        point.OpsByKind.Sum(kv => kv.Value * costs.Of(Enum.Parse<OpKind>(kv.Key)));
}
