// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What the host kernel spends on one operation of each kind in the shape of one bench
/// workload (native/bench's kernel mode: real mmap, page faults, munmap), ns per operation.
/// </summary>
public sealed record KernelCost(string Workload, IReadOnlyDictionary<string, double> NsPerOp)
{
    /// <summary>The kernel's cost of one <paramref name="kind"/>, ns; throws when it was not measured.</summary>
    public double Of(OpKind kind) => NsPerOp.TryGetValue(kind.ToString(), out var ns)
        ? ns
        : throw new InvalidOperationException($"no kernel cost of {kind} for {Workload}: recalibrate (testbed simulate --calibrate-kernel)");
}
