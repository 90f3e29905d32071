// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/nommu.c (Linux 4.16) as native/mm/nommu.c models it: the !CONFIG_MMU
// mmap/munmap/exit with struct vm_region, the global region tree under
// nommu_region_sem, region sharing counted by vm_usage, and the model's per-mm
// "physical memory" (first fit in the mm's arena; a direct-mappable file's pages at
// its own window). Function by function, with the kernel's names. Two builds, as
// native: "nommu" frees VMAs with the shared __free_vma after put_nommu_region;
// "nommu-orig" keeps 4.16's open-coded frees (the VMA's fput before the region).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>mm/nommu.c: the mm functions of a !MMU kernel over <see cref="MmStruct"/>.</summary>
internal static class Nommu
{
    /// <summary>VM_MAPPED_COPY (VM_ARCH_1 on !MMU): the region is a private copy of the file.</summary>
    public const VmFlags VmMappedCopy = (VmFlags)0x01000000UL;

    /// <summary>NOMMU_PHYS_BASE: the arena's RAM for copies and anonymous memory starts here.</summary>
    public const ulong NommuPhysBase = 0x40000000UL;

    /// <summary>NOMMU_PHYS_SIZE: 1 GiB of "RAM" per arena.</summary>
    public const ulong NommuPhysSize = 0x40000000UL;

    /// <summary>NOMMU_PHYS_END.</summary>
    public const ulong NommuPhysEnd = NommuPhysBase + NommuPhysSize;

    /// <summary>NOMMU_FILE_WINDOW: a direct-mappable file's pages are at window + (file id &lt;&lt; shift).</summary>
    public const ulong NommuFileWindow = 0x10000000000UL;

    /// <summary>NOMMU_FILE_WINDOW_SHIFT: at most 4 GiB per file.</summary>
    public const int NommuFileWindowShift = 32;

    private const ulong NommuMapCopy = 0x1;
    private const ulong NommuMapDirect = 0x8;
    private const ulong NommuMapRead = (ulong)VmFlags.MayRead;
    private const ulong NommuMapWrite = (ulong)VmFlags.MayWrite;
    private const ulong NommuMapExec = (ulong)VmFlags.MayExec;
    private const ulong NommuVmFlags = NommuMapRead | NommuMapWrite | NommuMapExec;
    private const ulong PageSize = MmStruct.PageSize;
    private const int PageShift = MmStruct.PageShift;

    /// <summary>nommu_region_tree: every region of every mm, ordered by (arena, start, end, id).</summary>
    private static readonly RbRoot<VmRegion> NommuRegionTree = new();

    /// <summary>nommu_region_sem: protects the region tree and every vm_usage.</summary>
    private static readonly RwSemaphore NommuRegionSem = new(LockRank.NommuRegionSem);

    private static ulong PageAlign(ulong len) => (len + PageSize - 1) & ~(PageSize - 1);

    private static bool OffsetInPage(ulong addr) => (addr & (PageSize - 1)) != 0;

    // ---- the global region tree --------------------------------------------------

    private static int RegionCmp(VmRegion a, VmRegion b)
    {
        if (a.Arena != b.Arena)
            return a.Arena < b.Arena ? -1 : 1;
        if (a.VmStart != b.VmStart)
            return a.VmStart < b.VmStart ? -1 : 1;
        if (a.VmEnd != b.VmEnd)
            return a.VmEnd < b.VmEnd ? -1 : 1;
        if (a.Id != b.Id)
            return a.Id < b.Id ? -1 : 1;
        return 0;
    }

    /// <summary>validate_nommu_regions: ranges are sane and an arena's RAM never overlaps.</summary>
    private static void ValidateNommuRegions()
    {
        VmRegion? last = null;
        for (var p = RbTree.First(NommuRegionTree); p is not null; p = RbTree.Next(p))
        {
            var region = p.Entry;
            Bug.Warn(region.VmEnd <= region.VmStart || region.VmTop < region.VmEnd,
                $"region {region.Id}: bad range {region.VmStart:x}-{region.VmEnd:x} top {region.VmTop:x}");
            if (last is not null && last.Arena == region.Arena && region.VmStart < NommuPhysEnd)
                Bug.Warn(region.VmStart < last.VmTop, $"region {region.Id} overlaps region {last.Id}");
            if (region.VmStart < NommuPhysEnd)
                last = region;
        }
    }

    /// <summary>add_nommu_region: caller holds nommu_region_sem for write.</summary>
    private static void AddNommuRegion(VmRegion region)
    {
        Lockdep.AssertHeldWrite(NommuRegionSem);
        ValidateNommuRegions();

        RbNode<VmRegion>? parent = null;
        var left = false;
        var p = NommuRegionTree.Node;
        while (p is not null)
        {
            parent = p;
            var cmp = RegionCmp(region, p.Entry);
            if (cmp < 0)
            {
                left = true;
                p = p.Left;
            }
            else if (cmp > 0)
            {
                left = false;
                p = p.Right;
            }
            else
            {
                Bug.BugOn(p.Entry != region, $"region {region.Id} collides with region {p.Entry.Id}");
                return;
            }
        }

        RbTree.LinkNode(region.VmRb, parent, left, NommuRegionTree);
        RbTree.InsertColor(region.VmRb, NommuRegionTree);
        ValidateNommuRegions();
    }

    /// <summary>delete_nommu_region: caller holds nommu_region_sem for write.</summary>
    private static void DeleteNommuRegion(VmRegion region)
    {
        Lockdep.AssertHeldWrite(NommuRegionSem);
        Bug.BugOn(NommuRegionTree.IsEmpty, "delete_nommu_region: empty region tree");
        ValidateNommuRegions();
        RbTree.Erase(region.VmRb, NommuRegionTree);
        region.VmRb.Clear();
        ValidateNommuRegions();
    }

    /// <summary>
    /// __put_nommu_region: drop a use; at zero the region leaves the tree (its memory is
    /// free), its file reference goes and it is freed. Called with nommu_region_sem held
    /// for write; releases it.
    /// </summary>
    private static void PutNommuRegionLocked(VmRegion region)
    {
        Lockdep.AssertHeldWrite(NommuRegionSem);
        region.VmUsage--;
        Kernel.Trace.Event(EventType.RegionPut, region.Id, region.VmUsage);
        if (region.VmUsage == 0)
        {
            if (region.VmTop > region.VmStart)
                DeleteNommuRegion(region);
            NommuRegionSem.UpWrite();
            region.VmFile?.Put();
            region.Free();
        }
        else
        {
            Bug.Warn(region.VmUsage < 0, $"region {region.Id}: vm_usage underflow");
            NommuRegionSem.UpWrite();
        }
    }

    /// <summary>put_nommu_region.</summary>
    private static void PutNommuRegion(VmRegion region)
    {
        NommuRegionSem.DownWrite();
        PutNommuRegionLocked(region);
    }

    /// <summary>
    /// The model's alloc_pages_exact: first fit in the mm's arena over the regions in the
    /// tree (caller holds nommu_region_sem for write); 0 when there is no room.
    /// </summary>
    private static ulong NommuAllocPages(MmStruct mm, ulong len)
    {
        Lockdep.AssertHeldWrite(NommuRegionSem);
        if (len > NommuPhysSize)
            return 0;
        var candidate = NommuPhysBase;
        for (var p = RbTree.First(NommuRegionTree); p is not null; p = RbTree.Next(p))
        {
            var region = p.Entry;
            if (region.Arena != mm.Arena || region.VmStart < NommuPhysBase)
                continue;
            if (region.VmStart >= NommuPhysEnd || region.VmStart >= candidate + len)
                break;
            candidate = Math.Max(candidate, region.VmTop);
        }
        return candidate > NommuPhysEnd - len ? 0 : candidate;
    }

    // ---- the mm's VMA tree and list ----------------------------------------------

    /// <summary>Sort by start, end, then object id (the kernel: struct address): VMAs sharing a region can be identical.</summary>
    private static int VmaCmp(VmAreaStruct a, VmAreaStruct b)
    {
        if (a.VmStart != b.VmStart)
            return a.VmStart < b.VmStart ? -1 : 1;
        if (a.VmEnd != b.VmEnd)
            return a.VmEnd < b.VmEnd ? -1 : 1;
        if (a.Id != b.Id)
            return a.Id < b.Id ? -1 : 1;
        return 0;
    }

    /// <summary>add_vma_to_mm: link a VMA into the mm's tree and list in its place.</summary>
    private static void AddVmaToMm(MmStruct mm, VmAreaStruct vma)
    {
        Bug.BugOn(vma.VmRegion is null, $"vma {vma.Id} has no vm_region");
        mm.MapCount++;

        RbNode<VmAreaStruct>? parent = null;
        RbNode<VmAreaStruct>? rbPrev = null;
        var left = false;
        var p = mm.MmRb.Node;
        while (p is not null)
        {
            parent = p;
            var cmp = VmaCmp(vma, p.Entry);
            if (cmp < 0)
            {
                left = true;
                p = p.Left;
            }
            else if (cmp > 0)
            {
                left = false;
                rbPrev = parent;
                p = p.Right;
            }
            else
            {
                Bug.BugOn(true, $"vma {vma.Id} is already in mm_rb");
                return;
            }
        }

        RbTree.LinkNode(vma.VmRb, parent, left, mm.MmRb);
        RbTree.InsertColor(vma.VmRb, mm.MmRb);
        mm.VmaLinkList(vma, rbPrev?.Entry, parent);
    }

    /// <summary>delete_vma_from_mm: unlink a VMA from its mm's tree and list.</summary>
    private static void DeleteVmaFromMm(VmAreaStruct vma)
    {
        var mm = vma.VmMm;
        mm.MapCount--;
        RbTree.Erase(vma.VmRb, mm.MmRb);
        vma.VmRb.Clear();
        if (vma.VmPrev is not null)
            vma.VmPrev.VmNext = vma.VmNext;
        else
            mm.Mmap = vma.VmNext;
        if (vma.VmNext is not null)
            vma.VmNext.VmPrev = vma.VmPrev;
        vma.VmPrev = null;
        vma.VmNext = null;
    }

    /// <summary>
    /// delete_vma: destroy a VMA record. "nommu": the region first, then __free_vma (the
    /// VMA's fput); "nommu-orig": 4.16's order, the VMA's fput before the region.
    /// </summary>
    private static void DeleteVma(MmStruct mm, VmAreaStruct vma, bool sharedFree)
    {
        if (sharedFree)
        {
            PutNommuRegion(vma.VmRegion!);
            mm.FreeVma(vma);
            return;
        }
        vma.VmFile?.Put();
        PutNommuRegion(vma.VmRegion!);
        vma.Free();
    }

    /// <summary>find_vma: trawl the list (several VMAs may contain addr); null if none.</summary>
    public static VmAreaStruct? FindVma(MmStruct mm, ulong addr)
    {
        for (var vma = mm.Mmap; vma is not null; vma = vma.VmNext)
        {
            if (vma.VmStart > addr)
                return null;
            if (vma.VmEnd > addr)
                return vma;
        }
        return null;
    }

    /// <summary>find_vma_exact: the VMA that is exactly [addr, addr + len).</summary>
    private static VmAreaStruct? FindVmaExact(MmStruct mm, ulong addr, ulong len)
    {
        var end = addr + len;
        for (var vma = mm.Mmap; vma is not null; vma = vma.VmNext)
        {
            if (vma.VmStart < addr)
                continue;
            if (vma.VmStart > addr)
                return null;
            if (vma.VmEnd == end)
                return vma;
        }
        return null;
    }

    // ---- mmap ---------------------------------------------------------------------

    /// <summary>file->f_op->mmap_capabilities: DIRECT files are ramfs-like, COPY ones block-device-like.</summary>
    private static ulong FileMmapCapabilities(Kernel.File file)
    {
        ulong capabilities = 0;
        if ((file.Flags & FileFlags.MapDirect) != 0)
            capabilities |= NommuMapDirect | NommuVmFlags;
        if ((file.Flags & FileFlags.MapCopy) != 0)
            capabilities |= NommuMapCopy;
        return capabilities;
    }

    private static bool FileHasWindow(Kernel.File file) => file.Size <= (1UL << NommuFileWindowShift);

    private static ulong FileWindow(Kernel.File file) => NommuFileWindow + (file.Id << NommuFileWindowShift);

    /// <summary>A ramfs-like file's get_unmapped_area: no mapping beyond EOF; the address of page pgoff.</summary>
    private static long FileGetUnmappedArea(Kernel.File file, ulong len, ulong pgoff)
    {
        var maxpages = file.Size >> PageShift;
        var lpages = len >> PageShift;
        if (pgoff >= maxpages || maxpages - pgoff < lpages)
            return -Errno.EINVAL;
        return (long)(FileWindow(file) + (pgoff << PageShift));
    }

    /// <summary>call_mmap: ramfs_nommu_mmap for DIRECT files; a copy-only file cannot map in place.</summary>
    private static int CallMmap(Kernel.File file, VmAreaStruct vma)
    {
        if ((file.Flags & FileFlags.MapDirect) == 0)
            return -Errno.ENOSYS;
        if ((vma.VmFlags & (VmFlags.Shared | VmFlags.MayShare)) == 0)
            return -Errno.ENOSYS;
        return 0;
    }

    /// <summary>validate_mmap_request: whether the mapping may be made and which kind.</summary>
    private static int ValidateMmapRequest(Kernel.File? file, ulong len, Prot prot, MapFlags flags, ulong pgoff, out ulong capabilities)
    {
        capabilities = 0;
        if ((flags & MapFlags.Fixed) != 0)
            return -Errno.EINVAL;
        var type = flags & (MapFlags.Shared | MapFlags.Private);
        if (type != MapFlags.Private && type != MapFlags.Shared)
            return -Errno.EINVAL;
        if (len == 0)
            return -Errno.EINVAL;
        if (len > MmStruct.TaskSize)
            return -Errno.ENOMEM;
        var rlen = PageAlign(len);
        if (rlen == 0 || rlen > MmStruct.TaskSize)
            return -Errno.ENOMEM;
        if (pgoff + (rlen >> PageShift) < pgoff)
            return -Errno.EOVERFLOW;

        if (file is null)
        {
            // anonymous mappings are always memory backed and can be privately mapped
            capabilities = NommuMapCopy;
            return 0;
        }

        capabilities = FileMmapCapabilities(file);
        if (capabilities == 0)
            return -Errno.ENODEV;
        if (!FileHasWindow(file))
            capabilities &= ~NommuMapDirect;

        // All files are open read-write: no FMODE check fails.
        if ((flags & MapFlags.Shared) != 0)
        {
            if ((capabilities & NommuMapDirect) == 0)
                return -Errno.ENODEV;
            capabilities &= ~NommuMapCopy;
        }
        else
        {
            if ((capabilities & NommuMapCopy) == 0)
                return -Errno.ENODEV;
            // a private writable mapping is never shared with the backing device
            if ((prot & Prot.Write) != 0)
                capabilities &= ~NommuMapDirect;
        }

        if ((capabilities & NommuMapDirect) != 0 &&
            (((prot & Prot.Read) != 0 && (capabilities & NommuMapRead) == 0) ||
             ((prot & Prot.Write) != 0 && (capabilities & NommuMapWrite) == 0) ||
             ((prot & Prot.Exec) != 0 && (capabilities & NommuMapExec) == 0)))
        {
            capabilities &= ~NommuMapDirect;
            if ((flags & MapFlags.Shared) != 0)
                return -Errno.EINVAL;
        }
        return 0;
    }

    /// <summary>calc_vm_prot_bits.</summary>
    private static VmFlags CalcVmProtBits(Prot prot) =>
        ((prot & Prot.Read) != 0 ? VmFlags.Read : 0) |
        ((prot & Prot.Write) != 0 ? VmFlags.Write : 0) |
        ((prot & Prot.Exec) != 0 ? VmFlags.Exec : 0);

    /// <summary>determine_vm_flags: translate what validate_mmap_request decided into vm_flags.</summary>
    private static VmFlags DetermineVmFlags(Kernel.File? file, Prot prot, MapFlags flags, ulong capabilities)
    {
        var vmFlags = CalcVmProtBits(prot);
        if ((capabilities & NommuMapDirect) == 0)
        {
            // attempt to share read-only copies of mapped file chunks
            vmFlags |= VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec;
            if (file is not null && (prot & Prot.Write) == 0)
                vmFlags |= VmFlags.MayShare;
        }
        else
        {
            // overlay a shareable mapping on the backing device
            vmFlags |= VmFlags.MayShare | (VmFlags)(capabilities & NommuVmFlags);
            if ((flags & MapFlags.Shared) != 0)
                vmFlags |= VmFlags.Shared;
        }
        return vmFlags;
    }

    /// <summary>do_mmap_shared_file: the filesystem provides the pages, or -ENODEV.</summary>
    private static int DoMmapSharedFile(VmAreaStruct vma)
    {
        var ret = CallMmap(vma.VmFile!, vma);
        if (ret == 0)
        {
            vma.VmRegion!.VmTop = vma.VmRegion.VmEnd;
            return 0;
        }
        return ret != -Errno.ENOSYS ? ret : -Errno.ENODEV;
    }

    /// <summary>do_mmap_private: map in place when allowed, else a private copy in the arena's RAM.</summary>
    private static int DoMmapPrivate(VmAreaStruct vma, VmRegion region, ulong len, ulong capabilities)
    {
        if ((capabilities & NommuMapDirect) != 0)
        {
            var ret = CallMmap(vma.VmFile!, vma);
            if (ret == 0)
            {
                Bug.BugOn((vma.VmFlags & VmFlags.MayShare) == 0, "direct private mapping without VM_MAYSHARE");
                vma.VmRegion!.VmTop = vma.VmRegion.VmEnd;
                return 0;
            }
            if (ret != -Errno.ENOSYS)
                return ret;
        }

        var addr = NommuAllocPages(vma.VmMm, len);
        if (addr == 0)
            return -Errno.ENOMEM;
        vma.VmFlags |= VmMappedCopy;
        region.VmFlags = vma.VmFlags;
        region.VmStart = addr;
        region.VmEnd = addr + len;
        region.VmTop = addr + len;
        vma.VmStart = region.VmStart;
        vma.VmEnd = region.VmStart + len;
        return 0;
    }

    /// <summary>
    /// do_mmap for uClinux: the address hint is ignored; a shareable mapping reuses a
    /// region of the same file that contains it (vm_usage++), an inexact overlap of a
    /// non-direct file is a sharing violation. Caller holds mmap_sem for write.
    /// </summary>
    public static long DoMmap(MmStruct mm, Kernel.File? file, ulong len, Prot prot, MapFlags flags, ulong pgoff, bool sharedFree)
    {
        Lockdep.AssertHeldWrite(mm.MmapSem);
        var ret = ValidateMmapRequest(file, len, prot, flags, pgoff, out var capabilities);
        if (ret < 0)
            return ret;
        len = PageAlign(len);
        if (mm.MapCount >= MmStruct.SysctlMaxMapCount)
            return -Errno.ENOMEM;

        var vmFlags = DetermineVmFlags(file, prot, flags, capabilities);

        var region = VmRegion.Alloc(mm);
        if (region is null)
            return -Errno.ENOMEM;
        var vma = VmAreaStruct.Alloc(mm);
        if (vma is null)
        {
            region.Free();
            return -Errno.ENOMEM;
        }

        region.VmUsage = 1;
        region.VmFlags = vmFlags;
        region.VmPgoff = pgoff;
        vma.VmFlags = vmFlags;
        vma.VmPgoff = pgoff;
        if (file is not null)
        {
            region.VmFile = file.Get();
            vma.VmFile = file.Get();
        }

        NommuRegionSem.DownWrite();
        if ((vmFlags & VmFlags.MayShare) != 0)
        {
            var shared = TryShareRegion(vma, ref region, file, len, pgoff, capabilities, out ret);
            if (shared == ShareOutcome.Shared)
                return Share(mm, vma, region, (long)vma.VmStart);
            if (shared == ShareOutcome.Violation)
            {
                NommuRegionSem.UpWrite();
                return Error(vma, region, -Errno.EINVAL, sharedFree);
            }
            if (shared == ShareOutcome.Failed)
                return ErrorJustFree(vma, region, ret, sharedFree);

            if ((capabilities & NommuMapDirect) != 0)
            {
                var a = FileGetUnmappedArea(file!, len, pgoff);
                if (a < 0)
                {
                    ret = (int)a;
                    if (ret != -Errno.ENOSYS)
                        return ErrorJustFree(vma, region, ret, sharedFree);
                    // the driver would not site it: try a copy
                    if ((capabilities & NommuMapCopy) == 0)
                        return ErrorJustFree(vma, region, -Errno.ENODEV, sharedFree);
                    capabilities &= ~NommuMapDirect;
                }
                else
                {
                    vma.VmStart = region.VmStart = (ulong)a;
                    vma.VmEnd = region.VmEnd = (ulong)a + len;
                }
            }
        }

        vma.VmRegion = region;
        ret = file is not null && (vma.VmFlags & VmFlags.Shared) != 0
            ? DoMmapSharedFile(vma)
            : DoMmapPrivate(vma, region, len, capabilities);
        if (ret < 0)
            return ErrorJustFree(vma, region, ret, sharedFree);
        AddNommuRegion(region);
        return Share(mm, vma, region, (long)vma.VmStart);
    }

    private enum ShareOutcome
    {
        NotFound,
        Shared,
        Violation,
        Failed,
    }

    /// <summary>
    /// The sharing search of do_mmap: the first shareable region of the same file that
    /// overlaps the request. A superset is shared (the new region is dropped); an inexact
    /// overlap is a violation unless the file maps directly.
    /// </summary>
    private static ShareOutcome TryShareRegion(VmAreaStruct vma, ref VmRegion region, Kernel.File? file,
        ulong len, ulong pgoff, ulong capabilities, out int ret)
    {
        ret = 0;
        var pglen = (len + PageSize - 1) >> PageShift;
        var pgend = pgoff + pglen;
        for (var rb = RbTree.First(NommuRegionTree); rb is not null; rb = RbTree.Next(rb))
        {
            var pregion = rb.Entry;
            if ((pregion.VmFlags & VmFlags.MayShare) == 0)
                continue;
            if (pregion.VmFile != file)
                continue;
            if (pregion.VmPgoff >= pgend)
                continue;
            var rpglen = (pregion.VmEnd - pregion.VmStart + PageSize - 1) >> PageShift;
            var rpgend = pregion.VmPgoff + rpglen;
            if (pgoff >= rpgend)
                continue;

            if ((pregion.VmPgoff != pgoff || rpglen != pglen) && !(pgoff >= pregion.VmPgoff && pgend <= rpgend))
            {
                // the new mapping is not a subset of the region
                if ((capabilities & NommuMapDirect) == 0)
                    return ShareOutcome.Violation;
                continue;
            }

            pregion.VmUsage++;
            Kernel.Trace.Event(EventType.RegionGet, pregion.Id, pregion.VmUsage);
            vma.VmRegion = pregion;
            var start = pregion.VmStart + ((pgoff - pregion.VmPgoff) << PageShift);
            vma.VmStart = start;
            vma.VmEnd = start + len;

            if ((pregion.VmFlags & VmMappedCopy) != 0)
            {
                vma.VmFlags |= VmMappedCopy;
            }
            else
            {
                ret = DoMmapSharedFile(vma);
                if (ret < 0)
                {
                    vma.VmRegion = null;
                    vma.VmStart = 0;
                    vma.VmEnd = 0;
                    pregion.VmUsage--;
                    Kernel.Trace.Event(EventType.RegionPut, pregion.Id, pregion.VmUsage);
                    return ShareOutcome.Failed;
                }
            }

            // the new region was never used: drop it
            region.VmFile?.Put();
            region.Free();
            region = pregion;
            return ShareOutcome.Shared;
        }
        return ShareOutcome.NotFound;
    }

    /// <summary>do_mmap's "share:" label: link the VMA, note the icache flush, unlock.</summary>
    private static long Share(MmStruct mm, VmAreaStruct vma, VmRegion region, long result)
    {
        AddVmaToMm(mm, vma);
        if ((vma.VmFlags & VmFlags.Exec) != 0 && !region.VmIcacheFlushed)
            region.VmIcacheFlushed = true;
        NommuRegionSem.UpWrite();
        return result;
    }

    /// <summary>do_mmap's "error_just_free:" label: unlock, then "error:".</summary>
    private static long ErrorJustFree(VmAreaStruct vma, VmRegion region, int ret, bool sharedFree)
    {
        NommuRegionSem.UpWrite();
        return Error(vma, region, ret, sharedFree);
    }

    /// <summary>
    /// do_mmap's "error:" label: the unused region and the never-linked VMA go (nommu:
    /// through __free_vma; nommu-orig: open-coded; the same steps in the same order).
    /// </summary>
    private static long Error(VmAreaStruct vma, VmRegion region, int ret, bool sharedFree)
    {
        region.VmFile?.Put();
        region.Free();
        if (sharedFree)
        {
            vma.VmRegion = null;
            vma.VmMm.FreeVma(vma);
        }
        else
        {
            vma.VmFile?.Put();
            vma.Free();
        }
        return ret;
    }

    // ---- munmap -------------------------------------------------------------------

    /// <summary>
    /// split_vma: only anonymous VMAs (one user of their region) split; a new VMA and a
    /// new region take the part below <paramref name="addr"/> (new_below) or above it.
    /// </summary>
    private static int SplitVma(MmStruct mm, VmAreaStruct vma, ulong addr, bool newBelow)
    {
        if (vma.VmFile is not null)
            return -Errno.ENOMEM;
        if (mm.MapCount >= MmStruct.SysctlMaxMapCount)
            return -Errno.ENOMEM;

        var region = VmRegion.Alloc(mm);
        if (region is null)
            return -Errno.ENOMEM;
        var created = VmAreaStruct.Alloc(mm);
        if (created is null)
        {
            region.Free();
            return -Errno.ENOMEM;
        }

        created.VmStart = vma.VmStart;
        created.VmEnd = vma.VmEnd;
        created.VmFlags = vma.VmFlags;
        created.VmPgoff = vma.VmPgoff;
        created.VmFile = vma.VmFile;
        created.VmPolicy = vma.VmPolicy;

        var old = vma.VmRegion!;
        region.VmFlags = old.VmFlags;
        region.VmStart = old.VmStart;
        region.VmEnd = old.VmEnd;
        region.VmTop = old.VmTop;
        region.VmPgoff = old.VmPgoff;
        region.VmFile = old.VmFile;
        region.VmUsage = old.VmUsage;
        region.VmIcacheFlushed = old.VmIcacheFlushed;
        created.VmRegion = region;

        var npages = (addr - vma.VmStart) >> PageShift;
        if (newBelow)
        {
            region.VmTop = region.VmEnd = created.VmEnd = addr;
        }
        else
        {
            region.VmStart = created.VmStart = addr;
            created.VmPgoff += npages;
            region.VmPgoff = created.VmPgoff;
        }

        DeleteVmaFromMm(vma);
        NommuRegionSem.DownWrite();
        DeleteNommuRegion(old);
        if (newBelow)
        {
            old.VmStart = vma.VmStart = addr;
            vma.VmPgoff += npages;
            old.VmPgoff = vma.VmPgoff;
        }
        else
        {
            old.VmEnd = vma.VmEnd = addr;
            old.VmTop = addr;
        }
        AddNommuRegion(old);
        AddNommuRegion(region);
        NommuRegionSem.UpWrite();
        AddVmaToMm(mm, vma);
        AddVmaToMm(mm, created);
        return 0;
    }

    /// <summary>shrink_vma: cut a chunk off the start or the end of a VMA and of its region.</summary>
    private static int ShrinkVma(MmStruct mm, VmAreaStruct vma, ulong from, ulong to)
    {
        DeleteVmaFromMm(vma);
        if (from > vma.VmStart)
            vma.VmEnd = from;
        else
            vma.VmStart = to;
        AddVmaToMm(mm, vma);

        var region = vma.VmRegion!;
        Bug.BugOn(region.VmUsage != 1, $"shrinking region {region.Id} with vm_usage {region.VmUsage}");
        NommuRegionSem.DownWrite();
        DeleteNommuRegion(region);
        if (from > region.VmStart)
            region.VmTop = region.VmEnd = from;
        else
            region.VmStart = to;
        AddNommuRegion(region);
        NommuRegionSem.UpWrite();
        // free_page_series: the range is free once it is out of the tree
        return 0;
    }

    /// <summary>
    /// do_munmap for !MMU: the chunk must lie within one VMA; a file VMA goes only as a
    /// whole, an anonymous one may be trimmed or split. Caller holds mmap_sem for write.
    /// </summary>
    public static int DoMunmap(MmStruct mm, ulong start, ulong len, bool sharedFree)
    {
        Lockdep.AssertHeldWrite(mm.MmapSem);
        len = PageAlign(len);
        if (len == 0)
            return -Errno.EINVAL;
        var end = start + len;

        var vma = FindVma(mm, start);
        if (vma is null)
            return -Errno.EINVAL;

        if (vma.VmFile is not null)
        {
            for (; vma is not null; vma = vma.VmNext)
            {
                if (start > vma.VmStart)
                    return -Errno.EINVAL;
                if (end == vma.VmEnd)
                    return EraseWholeVma(mm, vma, sharedFree);
            }
            return -Errno.EINVAL;
        }

        if (start == vma.VmStart && end == vma.VmEnd)
            return EraseWholeVma(mm, vma, sharedFree);
        if (start < vma.VmStart || end > vma.VmEnd)
            return -Errno.EINVAL;
        if (OffsetInPage(start))
            return -Errno.EINVAL;
        if (end != vma.VmEnd && OffsetInPage(end))
            return -Errno.EINVAL;
        if (start != vma.VmStart && end != vma.VmEnd)
        {
            var ret = SplitVma(mm, vma, start, newBelow: true);
            if (ret < 0)
                return ret;
        }
        return ShrinkVma(mm, vma, start, end);
    }

    /// <summary>do_munmap's "erase_whole_vma:" label.</summary>
    private static int EraseWholeVma(MmStruct mm, VmAreaStruct vma, bool sharedFree)
    {
        DeleteVmaFromMm(vma);
        DeleteVma(mm, vma, sharedFree);
        return 0;
    }

    /// <summary>exit_mmap: release every mapping of the mm, first to last.</summary>
    public static void ExitMmap(MmStruct mm, bool sharedFree)
    {
        while (mm.Mmap is { } vma)
        {
            mm.Mmap = vma.VmNext;
            DeleteVmaFromMm(vma);
            DeleteVma(mm, vma, sharedFree);
        }
        mm.MmRb.Node = null;
        mm.MapCount = 0;
    }

    // ---- validate_mm ----------------------------------------------------------------

    /// <summary>
    /// The nommu validate_mm: list and tree agree and are sorted by (start, end, id),
    /// map_count is right, every VMA has a live region in the tree that contains it and
    /// maps the same file; plus live VMAs == map_count. Returns the number of problems.
    /// </summary>
    public static int ValidateMm(MmStruct mm)
    {
        var bug = 0;
        var i = 0;
        VmAreaStruct? prev = null;
        var nd = RbTree.First(mm.MmRb);
        NommuRegionSem.DownRead();
        for (var vma = mm.Mmap; vma is not null; prev = vma, vma = vma.VmNext, i++)
        {
            var region = vma.VmRegion;
            if (Bug.Warn(vma.VmPrev != prev, $"vma {vma.Id}: vm_prev wrong"))
                bug++;
            if (Bug.Warn(prev is not null && VmaCmp(prev, vma) >= 0, $"vma {vma.Id}: list not sorted"))
                bug++;
            if (Bug.Warn(nd is null || nd.Entry != vma, $"vma {vma.Id}: mm_rb and the list disagree"))
                bug++;
            if (nd is not null)
                nd = RbTree.Next(nd);
            if (Bug.Warn(vma.VmStart >= vma.VmEnd, $"vma {vma.Id}: empty range"))
                bug++;
            if (Bug.Warn(FindVmaExact(mm, vma.VmStart, vma.VmEnd - vma.VmStart) is null, $"vma {vma.Id}: find_vma_exact cannot find it"))
                bug++;
            if (Bug.Warn(region is null, $"vma {vma.Id}: no vm_region"))
            {
                bug++;
                continue;
            }
            if (Bug.Warn(region!.IsFreed || region.VmUsage < 1 || region.VmRb.IsEmpty, $"vma {vma.Id}: region {region.Id} dead or out of the tree"))
            {
                bug++;
                continue;
            }
            if (Bug.Warn(vma.VmStart < region.VmStart || vma.VmEnd > region.VmTop,
                    $"vma {vma.Id} {vma.VmStart:x}-{vma.VmEnd:x} outside region {region.Id} {region.VmStart:x}-{region.VmTop:x}"))
                bug++;
            if (Bug.Warn(region.VmFile != vma.VmFile, $"vma {vma.Id}: region {region.Id} maps another file"))
                bug++;
        }
        NommuRegionSem.UpRead();
        if (Bug.Warn(nd is not null, "mm_rb has more VMAs than the list"))
            bug++;
        if (Bug.Warn(i != mm.MapCount, $"map_count {mm.MapCount} != {i} VMAs"))
            bug++;
        var live = mm.Kmem.Live(CacheKind.Vma);
        if (Bug.Warn(live != (ulong)mm.MapCount, $"live vmas {live} != map_count {mm.MapCount}"))
            bug++;
        return bug;
    }
}
