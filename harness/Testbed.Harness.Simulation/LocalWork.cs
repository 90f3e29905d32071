// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// Which local work an operation costs in a simulation (<c>simulate --local</c>): the model's
/// own (<see cref="Model"/>: the perf flavour's single-thread time), or the model's plus the
/// kernel work it leaves out (<see cref="Kernel"/>: <see cref="Calibration.Local"/>). By
/// default the published machines take the kernel's, this machine and any other the model's.
/// </summary>
public enum LocalWork
{
    /// <summary>The design's own calibrated time: model(design, kind).</summary>
    Model,

    /// <summary>model(design, kind) + max(0, kernel(kind) − model(mmu, kind)).</summary>
    Kernel,
}
