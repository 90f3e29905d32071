// SPDX-License-Identifier: GPL-2.0-only
// Port of struct vm_region (4.16 include/linux/mm_types.h, !CONFIG_MMU) as
// native/mm/nommu.h models it: a piece of "physical" memory one or more VMAs map.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>struct vm_region: vm_usage and the tree linkage are protected by nommu_region_sem.</summary>
internal sealed class VmRegion : KmemObject
{
    private VmRegion(MmStruct mm, ulong id)
        : base(mm.Kmem, CacheKind.Region, id)
    {
        Arena = mm.Arena;
        VmRb = new RbNode<VmRegion>(this);
        VmRb.Clear();
    }

    /// <summary>vm_region_jar allocation (zeroed, traced REGION_ALLOC); null on allocation failure.</summary>
    public static VmRegion? Alloc(MmStruct mm)
    {
        if (!mm.Kmem.TryAlloc(CacheKind.Region, out var id))
            return null;
        var region = new VmRegion(mm, id);
        Kernel.Trace.Event(EventType.RegionAlloc, id, 0);
        return region;
    }

    /// <summary>kmem_cache_free(vm_region_jar, region), traced REGION_FREE.</summary>
    public void Free()
    {
        Kernel.Trace.Event(EventType.RegionFree, Id, 0);
        KmemCacheFree();
    }

    /// <summary>vm_rb: link in the global region tree.</summary>
    public readonly RbNode<VmRegion> VmRb;

    /// <summary>vm_flags of the VMA that created it (plus VM_MAPPED_COPY for a private copy).</summary>
    public VmFlags VmFlags;

    /// <summary>vm_start: start address of the region.</summary>
    public ulong VmStart;

    /// <summary>vm_end: the region is initialised to here.</summary>
    public ulong VmEnd;

    /// <summary>vm_top: the region is allocated to here.</summary>
    public ulong VmTop;

    /// <summary>vm_pgoff: file offset of vm_start, in pages.</summary>
    public ulong VmPgoff;

    /// <summary>vm_file: the backing file (the region holds its own reference), or null.</summary>
    public Kernel.File? VmFile;

    /// <summary>vm_usage: how many VMAs map this region.</summary>
    public int VmUsage;

    /// <summary>vm_icache_flushed: set by the first executable mapping.</summary>
    public bool VmIcacheFlushed;

    /// <summary>Test-only: the "machine" (mm) whose physical memory the region lives in.</summary>
    public long Arena { get; }
}
