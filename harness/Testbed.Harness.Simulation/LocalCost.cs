// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What one operation of each kind costs one thread alone, in ns: measured on the perf
/// flavour of the native library (checking compiled out), for one design and one workload
/// (a fault of page-fault1 allocates and zeroes a page; a fault of single-vma does not).
/// </summary>
public sealed record LocalCost(string Config, string Workload, IReadOnlyDictionary<string, double> NsPerOp)
{
    /// <summary>The cost of one <paramref name="kind"/>, ns; throws when the calibration has none.</summary>
    public double Of(OpKind kind) => NsPerOp.TryGetValue(kind.ToString(), out var ns)
        ? ns
        : throw new InvalidOperationException($"no calibrated cost of {kind} for {Config} {Workload}: recalibrate (testbed simulate --calibrate)");
}
