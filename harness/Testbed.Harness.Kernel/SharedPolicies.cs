// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The shared memory policy of each shmem file of one sequence (our memfds and each shared
/// anonymous mapping's file), kept beside the model, which has none
/// (<see cref="KnownDifference.ShmemSharedPolicy"/>). In the kernel, vma_replace_policy calls
/// shmem's set_policy for every VMA of a shmem file, private mappings too: the policy is stored
/// in the file for the VMA's page range (mpol_set_shared_policy; MPOL_DEFAULT removes it), it
/// outlives the VMA, and numa_maps shows, for a shmem VMA, the file's policy at the VMA's first
/// page (shmem_get_policy). Which VMA 6.1's mbind_range hands to vma_replace_policy is read off
/// the model's layouts before and after the mbind: for every VMA of the range whose policy was
/// not already the new one, the VMA that covers its part afterwards, whole (6.1's mbind_range
/// replaces the policy of a merged VMA over all of it).
/// </summary>
internal sealed class SharedPolicies
{
    private const ulong Page = 4096;
    private readonly Dictionary<ulong, Dictionary<ulong, MpolMode>> files = [];

    /// <summary>The file's policy at page <paramref name="pgoff"/> (MPOL_DEFAULT when none is stored).</summary>
    public MpolMode At(ulong fileId, ulong pgoff) =>
        files.TryGetValue(fileId, out var pages) && pages.TryGetValue(pgoff, out var mode) ? mode : MpolMode.Default;

    /// <summary>Records a successful mbind of [start, end) to <paramref name="mode"/>, given the model's layouts around it.</summary>
    public void Mbind(IReadOnlyList<VmaInfo> before, IReadOnlyList<VmaInfo> after, ulong start, ulong end, MpolMode mode)
    {
        foreach (var b in before)
        {
            if (b.FileId == 0 || b.End <= start || b.Start >= end || b.Policy == mode)
                continue;
            var from = Math.Max(start, b.Start);
            var a = after.FirstOrDefault(v => v.Start <= from && from < v.End);
            if (a.End == 0 || a.FileId != b.FileId)
                continue;
            if (!files.TryGetValue(a.FileId, out var pages))
                files[a.FileId] = pages = [];
            for (var p = a.PgOff; p < a.PgOff + ((a.End - a.Start) / Page); p++)
            {
                if (mode == MpolMode.Default)
                    pages.Remove(p);
                else
                    pages[p] = mode;
            }
        }
    }
}
