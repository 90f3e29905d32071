// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Workloads;

/// <summary>The operation mixes a workload can draw from.</summary>
public enum WorkloadMix
{
    /// <summary>Mostly faults (read, write, exec) racing a few layout changes.</summary>
    FaultHeavy,

    /// <summary>mmap/munmap over overlapping ranges with faults in between.</summary>
    MunmapStorm,

    /// <summary>mprotect and mbind split/merge churn with faults.</summary>
    MprotectChurn,

    /// <summary>Everything, including files and rejected (bad-argument) calls.</summary>
    Mixed,

    /// <summary>Shared and private file mappings placed by the kernel (nommu configs).</summary>
    NommuSharedFile,

    /// <summary>
    /// fork among faults and layout changes: the child of the latest fork (one at a time) takes
    /// faults and changes of its own, so both mms diverge copy-on-write; madvise's fork
    /// behaviours decide what the next fork copies.
    /// </summary>
    Fork,
}

/// <summary>The command-line names of <see cref="WorkloadMix"/>.</summary>
public static class WorkloadMixNames
{
    /// <summary>Every mix, in declaration order.</summary>
    public static IReadOnlyList<WorkloadMix> All { get; } = Enum.GetValues<WorkloadMix>();

    /// <summary>The kebab-case name, e.g. "fault-heavy".</summary>
    public static string Name(this WorkloadMix mix) => mix switch
    {
        WorkloadMix.FaultHeavy => "fault-heavy",
        WorkloadMix.MunmapStorm => "munmap-storm",
        WorkloadMix.MprotectChurn => "mprotect-churn",
        WorkloadMix.Mixed => "mixed",
        WorkloadMix.NommuSharedFile => "nommu-shared-file",
        WorkloadMix.Fork => "fork",
        _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, null),
    };

    /// <summary>Parses a kebab-case name; throws <see cref="ArgumentException"/> on an unknown one.</summary>
    public static WorkloadMix Parse(string name)
    {
        foreach (var mix in All)
        {
            if (mix.Name() == name)
                return mix;
        }

        throw new ArgumentException($"unknown mix '{name}' (known: {string.Join(", ", All.Select(m => m.Name()))})", nameof(name));
    }

    /// <summary>Whether the mix needs an MMU (fixed addresses) or a nommu config.</summary>
    public static bool NeedsMmu(this WorkloadMix mix) => mix != WorkloadMix.NommuSharedFile;
}
