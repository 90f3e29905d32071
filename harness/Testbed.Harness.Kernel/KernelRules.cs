// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Which of the model's rule options match the kernel the guest ran, chosen from its release:
/// 6.1's mmap_region tries next before prev (vma_expand), so a 6.1 guest is compared with mms
/// created with <see cref="MmFlags.MmapMergeNextFirst"/>; every other release with 4.16's
/// order (measured: the host's 6.18 merges as 4.16 here). A release that merges otherwise is
/// reported as a difference, never excused.
/// </summary>
public static class KernelRules
{
    /// <summary>The model flags for a kernel release ("6.1.0-56-amd64" -> next first).</summary>
    public static MmFlags For(string kernelRelease) =>
        kernelRelease.StartsWith("6.1.", StringComparison.Ordinal) || kernelRelease == "6.1"
            ? MmFlags.MmapMergeNextFirst
            : MmFlags.None;

    /// <summary>The merge order of <paramref name="flags"/> in words, for the report.</summary>
    public static string Describe(MmFlags flags) =>
        (flags & MmFlags.MmapMergeNextFirst) != 0 ? "6.1 (mmap tries next first)" : "4.16 (mmap tries prev first)";
}
