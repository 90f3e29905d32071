// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Execution;

/// <summary>
/// What one <see cref="Workloads.WorkItem"/> did: the operation as run (addresses
/// resolved), its result, and for get_vma the VMA it referenced.
/// </summary>
public readonly record struct StepOutcome(Operation Op, long Result, VmaInfo? Vma)
{
    /// <summary>The result as the kernel would print it ("0x1000", "-ENOMEM").</summary>
    public string FormatResult() => Errno.Format(Result);
}
