// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/mmap.c (Linux 4.16) with the SPF series applied ("mm: protect mm_rb tree
// with a rwlock", "mm: protect VMA modifications using VMA sequence count",
// get_vma/put_vma and __free_vma). Function by function; each method names the C
// function it ports. Caller-held locks: everything here that changes the tree runs
// under mmap_sem held for write (asserted).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    private const VmFlags ProtMask = VmFlags.Read | VmFlags.Write | VmFlags.Exec;

    /// <summary>
    /// find_vma: the first VMA with addr &lt; vm_end (caller holds mmap_sem, or mm_rb_lock). It
    /// reads the tree's line (4.16: vmacache_find's mm->vmacache_seqnum, then mm->mm_rb's root).
    /// </summary>
    public VmAreaStruct? FindVma(ulong addr)
    {
        VmAreaStruct? vma = null;
        LineAccess.Read(Lines.Tree);
        var node = MmRb.Node;
        while (node is not null)
        {
            var tmp = node.Entry;
            if (tmp.VmEnd > addr)
            {
                vma = tmp;
                if (tmp.VmStart <= addr)
                    break;
                node = node.Left;
            }
            else
            {
                node = node.Right;
            }
        }
        return vma;
    }

    /// <summary>find_vma_prev: find_vma plus the VMA before it (the last one when none follows).</summary>
    public VmAreaStruct? FindVmaPrev(ulong addr, out VmAreaStruct? prev)
    {
        var vma = FindVma(addr);
        if (vma is not null)
            prev = vma.VmPrev;
        else
            prev = RbTree.Last(MmRb)?.Entry;
        return vma;
    }

    /// <summary>get_vma (SPF): under mm_rb_lock read, find_vma and take a reference.</summary>
    public VmAreaStruct? GetVma(ulong addr)
    {
        MmRbLock.ReadLock();
        var vma = FindVma(addr);
        var late = Options.TestOnlyMutant == ManagedMutant.GetVmaRefAfterUnlock;
        if (late)
            MmRbLock.ReadUnlock();
        if (vma is not null && vma.CheckLive())
            vma.VmRefCount.Inc(vma);
        if (!late)
            MmRbLock.ReadUnlock();
        return vma;
    }

    /// <summary>put_vma: drop a reference, __free_vma at zero; without SPF it frees at once.</summary>
    public void PutVma(VmAreaStruct vma)
    {
        if (!vma.CheckLive())
            return;
        if (!VmaRefs || (vma.VmRefCount.Dec(vma) == 0 && Options.TestOnlyMutant != ManagedMutant.PutVmaLeak))
            FreeVma(vma);
    }

    /// <summary>__free_vma: fput the file, put the policy, free the VMA.</summary>
    public void FreeVma(VmAreaStruct vma)
    {
        // exit_mmap frees VMAs still linked, as the series does: nobody can look the
        // dying tree up any more.
        Bug.Warn(!vma.VmRb.IsEmpty && !Exiting, "freeing a VMA still in mm_rb");
        vma.VmFile?.Put();
        Mempolicy.Put(vma.VmPolicy);
        vma.Free();
    }

    /// <summary>remove_vma: close and put the VMA; returns its vm_next.</summary>
    private VmAreaStruct? RemoveVma(VmAreaStruct vma)
    {
        var next = vma.VmNext;
        PutVma(vma);
        return next;
    }

    /// <summary>vma_gap_update: recompute rb_subtree_gap from this VMA up.</summary>
    private static void VmaGapUpdate(VmAreaStruct vma) => default(VmaGapCallbacks).Propagate(vma.VmRb, null);

    /// <summary>vma_rb_insert: rb_insert_augmented under mm_rb_lock write (SPF).</summary>
    private void VmaRbInsert(VmAreaStruct vma, RbNode<VmAreaStruct>? parent, bool left)
    {
        if (VmaRefs)
            MmRbLock.WriteLock();
        RbTree.LinkNode(vma.VmRb, parent, left, MmRb);
        vma.RbSubtreeGap = 0;
        VmaGapUpdate(vma);
        RbTree.InsertAugmented(vma.VmRb, MmRb, default(VmaGapCallbacks));
        // 6.15: write-locked, then attached (vm_refcnt 0 -> 1).
        if (VmaRefcnt)
            VmaMarkAttached(vma);
        if (VmaRefs)
            MmRbLock.WriteUnlock();
        if (PerVmaLock && !VmaRefcnt)
            VmaMarkDetached(vma, false);
    }

    /// <summary>
    /// __vma_rb_erase: rb_erase_augmented under mm_rb_lock write, then RB_CLEAR_NODE after
    /// the unlock, so a speculative fault that sees the empty node knows the VMA left.
    /// </summary>
    private void VmaRbErase(VmAreaStruct vma)
    {
        // 6.4: a VMA is write-locked before it leaves the tree.
        if (PerVmaLock)
            VmaStartWrite(vma);
        var locked = VmaRefs && Options.TestOnlyMutant != ManagedMutant.EraseUnlocked;
        if (locked)
            MmRbLock.WriteLock();
        RbTree.EraseAugmented(vma.VmRb, MmRb, default(VmaGapCallbacks));
        if (locked)
            MmRbLock.WriteUnlock();
        vma.VmRb.Clear();
        if (VmaRefcnt)
            VmaMarkDetachedRefcnt(vma);
        else if (PerVmaLock)
            VmaMarkDetached(vma, true);
        // What __vma_adjust did not give another VMA already.
        VmaMtClear(vma.VmStart, vma.VmEnd, vma);
    }

    /// <summary>mm_mt store (vma_iter_store; null: vma_iter_clear) of [start, end), on the RCU designs.</summary>
    private void VmaMtStore(ulong start, ulong end, VmAreaStruct? vma)
    {
        if (MapleIndex)
            MmMt.Store(start, end - 1, vma);
    }

    /// <summary>Empties what of [start, end) mm_mt still maps to <paramref name="vma"/>.</summary>
    private void VmaMtClear(ulong start, ulong end, VmAreaStruct vma)
    {
        if (!MapleIndex)
            return;
        while (start < end)
        {
            var entry = MmMt.Find(start, end - 1, out var first, out var last);
            if (entry is null)
                break;
            if (entry == vma)
                VmaMtStore(Math.Max(first, start), Math.Min(last, end - 1) + 1, null);
            if (last >= end - 1)
                break;
            start = last + 1;
        }
    }

    /// <summary>
    /// vma's boundaries moved from [oldStart, oldEnd): map its new range, then empty what it
    /// left and nobody took (the VMA that grows is stored first, see VmaAdjust).
    /// </summary>
    private void VmaMtMove(VmAreaStruct vma, ulong oldStart, ulong oldEnd)
    {
        if (!MapleIndex || (oldStart == vma.VmStart && oldEnd == vma.VmEnd))
            return;
        VmaMtStore(vma.VmStart, vma.VmEnd, vma);
        if (oldStart < vma.VmStart)
            VmaMtClear(oldStart, Math.Min(oldEnd, vma.VmStart), vma);
        if (oldEnd > vma.VmEnd)
            VmaMtClear(Math.Max(oldStart, vma.VmEnd), oldEnd, vma);
    }

    /// <summary>
    /// find_vma_links: where [addr, end) would go in mm_rb; false when an existing VMA
    /// overlaps it (-ENOMEM in the kernel).
    /// </summary>
    private bool FindVmaLinks(ulong addr, ulong end, out VmAreaStruct? prev, out RbNode<VmAreaStruct>? rbParent, out bool left)
    {
        RbNode<VmAreaStruct>? rbPrev = null;
        rbParent = null;
        left = false;
        LineAccess.Read(Lines.Tree);
        var link = MmRb.Node;
        while (link is not null)
        {
            rbParent = link;
            var tmp = link.Entry;
            if (tmp.VmEnd > addr)
            {
                if (tmp.VmStart < end)
                {
                    prev = null;
                    return false;
                }
                left = true;
                link = link.Left;
            }
            else
            {
                rbPrev = link;
                left = false;
                link = link.Right;
            }
        }
        prev = rbPrev?.Entry;
        return true;
    }

    /// <summary>__vma_link_rb: gap of the following VMA (or highest_vm_end), then the insert.</summary>
    private void VmaLinkRb(VmAreaStruct vma, RbNode<VmAreaStruct>? rbParent, bool left)
    {
        if (vma.VmNext is not null)
            VmaGapUpdate(vma.VmNext);
        else
            HighestVmEnd = vma.VmEnd;
        VmaRbInsert(vma, rbParent, left);
        // And to the fault's walk (6.4: vma_iter_store).
        VmaMtStore(vma.VmStart, vma.VmEnd, vma);
    }

    /// <summary>vma_link / __vma_link: list and tree, map_count++.</summary>
    private void VmaLink(VmAreaStruct vma, VmAreaStruct? prev, RbNode<VmAreaStruct>? rbParent, bool left)
    {
        VmaLinkList(vma, prev, rbParent);
        VmaLinkRb(vma, rbParent, left);
        MapCount++;
    }

    /// <summary>__insert_vm_struct: link a VMA whose place must be free.</summary>
    private void InsertVmStruct(VmAreaStruct vma)
    {
        if (!FindVmaLinks(vma.VmStart, vma.VmEnd, out var prev, out var rbParent, out var left))
        {
            Bug.BugOn(true, "__insert_vm_struct: range overlaps");
            return;
        }
        VmaLinkList(vma, prev, rbParent);
        VmaLinkRb(vma, rbParent, left);
        MapCount++;
    }

    /// <summary>__vma_unlink_common: out of the tree, then out of the list.</summary>
    private void VmaUnlinkCommon(VmAreaStruct vma, VmAreaStruct? prev, bool hasPrev)
    {
        VmaRbErase(vma);
        var next = vma.VmNext;
        if (hasPrev)
        {
            prev!.VmNext = next;
        }
        else
        {
            prev = vma.VmPrev;
            if (prev is not null)
                prev.VmNext = next;
            else
                Mmap = next;
        }
        if (next is not null)
            next.VmPrev = prev;
    }

    /// <summary>anon_vma_clone: dst (a copy of src) links src's chain too.</summary>
    private static void AnonVmaClone(VmAreaStruct dst, VmAreaStruct src)
    {
        if (src.AnonVmaChainLinked && src.AnonVma is { } av)
        {
            // native anon_vma_clone's atomic_inc_return of the degree: a scheduling point
            // between a merge's anon_vma import and its link
            SchedHook.Sched(SchedPoint.Atomic, av);
            av.Link(dst);
        }
    }

    /// <summary>unlink_anon_vmas: drop the VMA's chain; the anon_vma goes with its last VMA.</summary>
    private static void UnlinkAnonVmas(VmAreaStruct vma)
    {
        if (vma.AnonVmaChainLinked && vma.AnonVma is { } av)
            av.Unlink(vma);
        vma.AnonVma = null;
    }

    /// <summary>anon_vma_merge.</summary>
    private static void AnonVmaMerge(VmAreaStruct vma, VmAreaStruct next)
    {
        Bug.BugOn(vma.AnonVma != next.AnonVma, "anon_vma_merge: different anon_vmas");
        UnlinkAnonVmas(next);
    }

    /// <summary>
    /// __vma_adjust: change vma's range (and pgoff), possibly removing or shifting its
    /// successor (vma_merge) or inserting a split-off part (__split_vma).
    /// remove_next: 1 = case 1/7, 2 = case 6 (two to remove), 3 = case 8 (vma and next swapped).
    /// </summary>
    private int VmaAdjust(VmAreaStruct vma, ulong start, ulong end, ulong pgoff, VmAreaStruct? insert, VmAreaStruct? expand)
    {
        Lockdep.AssertHeldWrite(MmapSem);
        var next = vma.VmNext;
        var startChanged = false;
        var endChanged = false;
        long adjustNext = 0;
        var removeNext = 0;

        // SPF: both VMAs whose fields may change are marked as being written, before
        // anything changes (the anon_vma import included) and before a case-8 swap.
        var importUnlocked = Options.TestOnlyMutant == ManagedMutant.MergeImportUnlocked;
        if (!importUnlocked)
            vma.VmWriteBegin();
        next?.VmWriteBegin();

        if (next is not null && insert is null)
        {
            VmAreaStruct? exporter = null;
            VmAreaStruct? importer = null;
            if (end >= next.VmEnd)
            {
                if (next == expand)
                {
                    // Case 8: remove vma and expand next down over it.
                    Bug.WarnOn(end != next.VmEnd);
                    removeNext = 3;
                    Bug.WarnOn(vma.VmFile != next.VmFile);
                    (vma, next) = (next, vma);
                }
                else
                {
                    // Cases 1, 6, 7: remove next (and in case 6 the one after).
                    Bug.WarnOn(expand != vma);
                    removeNext = 1 + (end > next.VmEnd ? 1 : 0);
                    Bug.WarnOn(removeNext == 2 && end != next.VmNext?.VmEnd);
                    Bug.WarnOn(removeNext == 1 && end != next.VmEnd);
                    end = next.VmEnd;
                }
                exporter = next;
                importer = vma;
                if (removeNext == 2 && next.AnonVma is null)
                    exporter = next.VmNext;
            }
            else if (end > next.VmStart)
            {
                // Case 5: vma grows over the start of next.
                adjustNext = (long)((end - next.VmStart) >> PageShift);
                exporter = next;
                importer = vma;
                Bug.WarnOn(expand != importer);
            }
            else if (end < vma.VmEnd)
            {
                // Case 4: vma shrinks, next grows down.
                adjustNext = -(long)((vma.VmEnd - end) >> PageShift);
                exporter = vma;
                importer = next;
                Bug.WarnOn(expand != importer);
            }

            // The expanding VMA must carry the shrinking one's anon_vma.
            if (exporter?.AnonVma is not null && importer!.AnonVma is null)
            {
                importer.AnonVma = exporter.AnonVma;
                AnonVmaClone(importer, exporter);
            }
        }
        if (importUnlocked)
            vma.VmWriteBegin();

        while (true)
        {
            var oldStart = vma.VmStart;
            var oldEnd = vma.VmEnd;
            var nextOldStart = adjustNext != 0 ? next!.VmStart : 0;
            if (start != vma.VmStart)
            {
                vma.VmStart = start;
                startChanged = true;
            }
            if (end != vma.VmEnd)
            {
                vma.VmEnd = end;
                endChanged = true;
            }
            vma.VmPgoff = pgoff;
            if (adjustNext != 0)
            {
                next!.VmStart = (ulong)((long)next.VmStart + (adjustNext << PageShift));
                next.VmPgoff = (ulong)((long)next.VmPgoff + adjustNext);
            }
            // mm_mt: the VMA that grows first (split: after insert is in).
            if (adjustNext < 0)
                VmaMtMove(next!, nextOldStart, next!.VmEnd);
            if (insert is null)
                VmaMtMove(vma, oldStart, oldEnd);
            if (adjustNext > 0)
                VmaMtMove(next!, nextOldStart, next!.VmEnd);

            if (removeNext != 0)
            {
                // next is merged into vma: unlink it (after a swap, vma is not before next).
                if (removeNext != 3)
                    VmaUnlinkCommon(next!, vma, hasPrev: true);
                else
                    VmaUnlinkCommon(next!, null, hasPrev: false);
            }
            else if (insert is not null)
            {
                // __split_vma's other half, which may come before or after vma.
                InsertVmStruct(insert);
                VmaMtMove(vma, oldStart, oldEnd);
            }
            else
            {
                if (startChanged)
                    VmaGapUpdate(vma);
                if (endChanged)
                {
                    if (next is null)
                        HighestVmEnd = vma.VmEnd;
                    else if (adjustNext == 0)
                        VmaGapUpdate(next);
                }
            }

            if (removeNext == 0)
                break;

            // The removed VMA loses its anon_vma chain and the tree's reference.
            var gone = next!;
            if (gone.AnonVma is not null)
                AnonVmaMerge(vma, gone);
            gone.AnonVma = null;
            MapCount--;
            // next left the tree: its write section ends before it goes.
            gone.VmWriteEnd();
            PutVma(gone);
            if (removeNext != 3)
            {
                // vma grew over next: the new vma->vm_next gets its own write section.
                next = vma.VmNext;
                next?.VmWriteBegin();
            }
            else
            {
                next = vma;
            }
            if (removeNext == 2)
            {
                // Case 6: the VMA after next goes too.
                removeNext = 1;
                end = next!.VmEnd;
                continue;
            }
            if (next is not null)
                VmaGapUpdate(next);
            else
                Bug.WarnOn(HighestVmEnd != vma.VmEnd);
            break;
        }

        if (next is not null && next != vma)
            next.VmWriteEnd();
        vma.VmWriteEnd();
        return 0;
    }

    /// <summary>is_mergeable_vma: same flags and file.</summary>
    private static bool IsMergeableVma(VmAreaStruct vma, Kernel.File? file, VmFlags vmFlags) =>
        vma.VmFlags == vmFlags && vma.VmFile == file;

    /// <summary>
    /// is_mergeable_anon_vma: either side lacks an anon_vma and the VMA has a singular
    /// chain (or there is no VMA to ask), or both are the same anon_vma.
    /// </summary>
    private bool IsMergeableAnonVma(AnonVma? anonVma1, AnonVma? anonVma2, VmAreaStruct? vma)
    {
        if (Options.TestOnlyIgnoreAnonVmaInMerge)
            return true;
        if ((anonVma1 is null || anonVma2 is null) && (vma is null || (vma.AnonVmaChainLinked && vma.AnonVma is { Parent: null })))
            return true;
        return anonVma1 == anonVma2;
    }

    /// <summary>can_vma_merge_before: the new range can go in front of vma.</summary>
    private bool CanVmaMergeBefore(VmAreaStruct vma, VmFlags vmFlags, AnonVma? anonVma, Kernel.File? file, ulong vmPgoff) =>
        IsMergeableVma(vma, file, vmFlags) && IsMergeableAnonVma(anonVma, vma.AnonVma, vma) && vma.VmPgoff == vmPgoff;

    /// <summary>can_vma_merge_after: the new range can follow vma.</summary>
    private bool CanVmaMergeAfter(VmAreaStruct vma, VmFlags vmFlags, AnonVma? anonVma, Kernel.File? file, ulong vmPgoff) =>
        IsMergeableVma(vma, file, vmFlags) && IsMergeableAnonVma(anonVma, vma.AnonVma, vma) && vma.VmPgoff + vma.Pages == vmPgoff;

    /// <summary>
    /// vma_merge: merge [addr, end) with prev and/or next. The eight cases of mm/mmap.c
    /// (AAAA = prev, NNNN = next, PPPP = the range, XXXX = the VMA it lies in):
    ///     AAAA             AAAA                   AAAA
    ///    PPPPPPNNNNNN    PPPPPPNNNNNN       PPPPPPNNNNNN
    ///    cannot merge    might become       might become
    ///                    PPNNNNNNNNNN       PPPPPPPPPPNN
    ///    mmap, brk or    case 4 below       case 5 below
    ///    mremap move:
    ///                        AAAA               AAAA
    ///                    PPPP    NNNN       PPPPNNNNXXXX
    ///                    might become       might become
    ///                    PPPPPPPPPPPP 1 or  PPPPPPPPPPPP 6 or
    ///                    PPPPPPPPNNNN 2 or  PPPPPPPPXXXX 7 or
    ///                    PPPPNNNNNNNN 3     PPPPXXXXXXXX 8
    /// Returns the VMA now covering the range, or null.
    /// </summary>
    private VmAreaStruct? VmaMerge(VmAreaStruct? prev, ulong addr, ulong end, VmFlags vmFlags, AnonVma? anonVma,
        Kernel.File? file, ulong pgoff, Mempolicy? policy)
    {
        var pglen = (end - addr) >> PageShift;
        var next = prev is not null ? prev.VmNext : Mmap;
        var area = next;
        if (area is not null && area.VmEnd == end)
            next = next!.VmNext; // cases 6, 7, 8

        Bug.WarnOn(prev is not null && addr <= prev.VmStart);
        Bug.WarnOn(area is not null && end > area.VmEnd);
        Bug.WarnOn(addr >= end);

        // Can it merge with the predecessor?
        if (prev is not null && prev.VmEnd == addr && Mempolicy.Equal(prev.VmPolicy, policy) &&
            CanVmaMergeAfter(prev, vmFlags, anonVma, file, pgoff))
        {
            // Can it also merge the successor?
            if (next is not null && end == next.VmStart && Mempolicy.Equal(policy, next.VmPolicy) &&
                CanVmaMergeBefore(next, vmFlags, anonVma, file, pgoff + pglen) &&
                IsMergeableAnonVma(prev.AnonVma, next.AnonVma, null))
            {
                // cases 1, 6
                VmaAdjust(prev, prev.VmStart, next.VmEnd, prev.VmPgoff, null, prev);
            }
            else
            {
                // cases 2, 5, 7
                VmaAdjust(prev, prev.VmStart, end, prev.VmPgoff, null, prev);
            }
            return prev;
        }

        // Can it merge in front of the successor?
        if (next is not null && end == next.VmStart && Mempolicy.Equal(policy, next.VmPolicy) &&
            CanVmaMergeBefore(next, vmFlags, anonVma, file, pgoff + pglen))
        {
            if (prev is not null && addr < prev.VmEnd)
            {
                // case 4
                VmaAdjust(prev, prev.VmStart, addr, prev.VmPgoff, null, next);
            }
            else
            {
                // cases 3, 8: in case 8 area is removed and next grows over it
                VmaAdjust(area!, addr, next.VmEnd, next.VmPgoff - pglen, null, next);
                area = next;
            }
            return area;
        }
        return null;
    }

    /// <summary>anon_vma_compatible: a and b could share an anon_vma.</summary>
    private static bool AnonVmaCompatible(VmAreaStruct a, VmAreaStruct b) =>
        a.VmEnd == b.VmStart &&
        Mempolicy.Equal(a.VmPolicy, b.VmPolicy) &&
        a.VmFile == b.VmFile &&
        ((a.VmFlags ^ b.VmFlags) & ~ProtMask) == 0 &&
        b.VmPgoff == a.VmPgoff + ((b.VmStart - a.VmStart) >> PageShift);

    /// <summary>reusable_anon_vma: old's anon_vma when a and b are compatible and old's chain is singular.</summary>
    private static AnonVma? ReusableAnonVma(VmAreaStruct old, VmAreaStruct a, VmAreaStruct b)
    {
        if (!AnonVmaCompatible(a, b))
            return null;
        var av = Volatile.Read(ref old.AnonVma);
        return av is { Parent: null } && old.AnonVmaChainLinked ? av : null;
    }

    /// <summary>find_mergeable_anon_vma: try the next VMA, then the previous one.</summary>
    private static AnonVma? FindMergeableAnonVma(VmAreaStruct vma)
    {
        if (vma.VmNext is { } next && ReusableAnonVma(next, vma, next) is { } a)
            return a;
        if (vma.VmPrev is { } prev && ReusableAnonVma(prev, prev, vma) is { } b)
            return b;
        return null;
    }

    /// <summary>
    /// __anon_vma_prepare: give vma an anon_vma (a neighbour's or a new one), installed
    /// under page_table_lock against a racing fault. False on allocation failure.
    /// </summary>
    private bool AnonVmaPrepare(VmAreaStruct vma)
    {
        if (Volatile.Read(ref vma.AnonVma) is not null)
            return true;
        var anonVma = FindMergeableAnonVma(vma);
        AnonVma? allocated = null;
        if (anonVma is null)
        {
            anonVma = AnonVma.Alloc(Kmem);
            if (anonVma is null)
                return false;
            allocated = anonVma;
        }
        PageTableLock.Lock();
        if (vma.AnonVma is null)
        {
            // linked before it is published, as native anon_vma_chain_link: a fault under the
            // VMA's lock that sees the anon_vma must see it linked too
            anonVma.Link(vma);
            Volatile.Write(ref vma.AnonVma, anonVma);
            allocated = null;
        }
        PageTableLock.Unlock();
        if (allocated is not null)
        {
            Kernel.Trace.Event(EventType.AnonVmaFree, allocated.Id, 0);
            allocated.KmemCacheFree();
        }
        return true;
    }

    /// <summary>
    /// __split_vma: split vma at addr; the new VMA takes the lower part when newBelow.
    /// Allocation order: the VMA, its policy copy, (anon_vma_clone), get_file.
    /// </summary>
    private int SplitVmaNoCheck(VmAreaStruct vma, ulong addr, bool newBelow)
    {
        var @new = VmAreaStruct.Alloc(this);
        if (@new is null)
            return -Errno.ENOMEM;
        @new.CopyFrom(vma);
        if (newBelow)
        {
            @new.VmEnd = addr;
        }
        else
        {
            @new.VmStart = addr;
            @new.VmPgoff += (addr - vma.VmStart) >> PageShift;
        }
        if (!Mempolicy.Dup(Kmem, vma.VmPolicy, out var pol))
        {
            @new.Free();
            return -Errno.ENOMEM;
        }
        @new.VmPolicy = pol;
        AnonVmaClone(@new, vma);
        @new.VmFile?.Get();

        if (newBelow)
            VmaAdjust(vma, addr, vma.VmEnd, vma.VmPgoff + ((addr - @new.VmStart) >> PageShift), @new, null);
        else
            VmaAdjust(vma, vma.VmStart, addr, vma.VmPgoff, @new, null);
        return 0;
    }

    /// <summary>split_vma: __split_vma unless the map count is at its limit.</summary>
    private int SplitVma(VmAreaStruct vma, ulong addr, bool newBelow)
    {
        if (MapCount >= SysctlMaxMapCount)
            return -Errno.ENOMEM;
        return SplitVmaNoCheck(vma, addr, newBelow);
    }

    /// <summary>
    /// detach_vmas_to_be_unmapped: take vma and its followers below end out of the tree
    /// and list; they stay chained by vm_next for unmap_region and remove_vma_list.
    /// </summary>
    private void DetachVmasToBeUnmapped(VmAreaStruct vma, VmAreaStruct? prev, ulong end)
    {
        VmAreaStruct? tail;
        vma.VmPrev = null;
        VmAreaStruct? cur = vma;
        do
        {
            VmaRbErase(cur);
            MapCount--;
            tail = cur;
            cur = cur.VmNext;
        }
        while (cur is not null && cur.VmStart < end);
        if (prev is not null)
            prev.VmNext = cur;
        else
            Mmap = cur;
        if (cur is not null)
        {
            cur.VmPrev = prev;
            VmaGapUpdate(cur);
        }
        else
        {
            HighestVmEnd = prev?.VmEnd ?? 0;
        }
        tail.VmNext = null;
    }

    /// <summary>unmap_region: zap the pages of the detached VMAs, then free_pgtables (unlink anon_vmas).</summary>
    private void UnmapRegion(VmAreaStruct vma, ulong start, ulong end)
    {
        for (var v = vma; v is not null; v = v.VmNext)
            UnmapPageRange(v, Math.Max(start, v.VmStart), Math.Min(end, v.VmEnd));
        FreePgtables(vma);
    }

    /// <summary>
    /// free_pgtables: the part the model has, unlinking the anon_vmas, each in a write section
    /// ("mm: protect SPF handler against anon_vma changes").
    /// </summary>
    private static void FreePgtables(VmAreaStruct? vma)
    {
        for (var v = vma; v is not null; v = v.VmNext)
        {
            v.VmWriteBegin();
            UnlinkAnonVmas(v);
            v.VmWriteEnd();
        }
    }

    /// <summary>remove_vma_list: drop the tree's reference on each detached VMA.</summary>
    private void RemoveVmaList(VmAreaStruct? vma)
    {
        while (vma is not null)
            vma = RemoveVma(vma);
    }

    /// <summary>do_munmap (arguments already checked by the caller, len page aligned).</summary>
    public int DoMunmap(ulong start, ulong len)
    {
        Lockdep.AssertHeldWrite(MmapSem);
        var vma = FindVma(start);
        if (vma is null)
            return 0;
        var prev = vma.VmPrev;
        var end = start + len;
        if (vma.VmStart >= end)
            return 0;

        if (start > vma.VmStart)
        {
            // A split in the middle makes one more VMA: respect the limit first.
            if (end < vma.VmEnd && MapCount >= SysctlMaxMapCount)
                return -Errno.ENOMEM;
            var error = SplitVmaNoCheck(vma, start, newBelow: false);
            if (error != 0)
                return error;
            prev = vma;
        }

        var last = FindVma(end);
        if (last is not null && end > last.VmStart)
        {
            var error = SplitVmaNoCheck(last, end, newBelow: true);
            if (error != 0)
                return error;
        }
        vma = prev is not null ? prev.VmNext! : Mmap!;

        DetachVmasToBeUnmapped(vma, prev, end);
        UnmapRegion(vma, start, end);
        RemoveVmaList(vma);
        return 0;
    }

    /// <summary>
    /// unmapped_area_topdown: the highest gap of at least len below high_limit, walking
    /// mm_rb by rb_subtree_gap. Returns the address or -ENOMEM.
    /// </summary>
    private long UnmappedAreaTopdown(ulong length, ulong lowLimit, ulong highLimitArg)
    {
        var gapEnd = highLimitArg;
        if (gapEnd < length)
            return -Errno.ENOMEM;
        var highLimit = gapEnd - length;
        if (lowLimit > highLimit)
            return -Errno.ENOMEM;
        var lowLimitEnd = lowLimit + length;

        // The highest gap, above every VMA.
        var gapStart = HighestVmEnd;
        if (gapStart <= highLimit)
            return (long)(gapEnd - length);

        LineAccess.Read(Lines.Tree);
        if (MmRb.Node is null)
            return -Errno.ENOMEM;
        var vma = MmRb.Node.Entry;
        if (vma.RbSubtreeGap < length)
            return -Errno.ENOMEM;

        while (true)
        {
            // Visit the right subtree if it looks promising.
            gapStart = vma.VmPrev?.VmEnd ?? 0;
            if (gapStart <= highLimit && vma.VmRb.Right is { } right && right.Entry.RbSubtreeGap >= length)
            {
                vma = right.Entry;
                continue;
            }

            while (true)
            {
                // check_current: does this VMA have a suitable gap before it?
                gapEnd = vma.VmStart;
                if (gapEnd < lowLimitEnd)
                    return -Errno.ENOMEM;
                if (gapStart <= highLimit && gapEnd > gapStart && gapEnd - gapStart >= length)
                {
                    if (gapEnd > highLimitArg)
                        gapEnd = highLimitArg;
                    var result = gapEnd - length;
                    Bug.WarnOn(result < lowLimit);
                    Bug.WarnOn(result < gapStart);
                    return (long)result;
                }

                // Visit the left subtree if it looks promising.
                if (vma.VmRb.Left is { } left && left.Entry.RbSubtreeGap >= length)
                {
                    vma = left.Entry;
                    goto descend;
                }

                // Go back up to the next candidate.
                while (true)
                {
                    var prevNode = vma.VmRb;
                    var parent = prevNode.Parent;
                    if (parent is null)
                        return -Errno.ENOMEM;
                    vma = parent.Entry;
                    if (prevNode == parent.Right)
                    {
                        gapStart = vma.VmPrev?.VmEnd ?? 0;
                        break;
                    }
                }
            }
        descend:;
        }
    }

    /// <summary>
    /// get_unmapped_area with arch_get_unmapped_area_topdown: MAP_FIXED returns addr after
    /// the range checks; a usable hint is taken; otherwise the top-down search.
    /// Returns the address or a negative errno.
    /// </summary>
    public long GetUnmappedArea(ulong addr, ulong len, MapFlags flags)
    {
        if (len > TaskSize)
            return -Errno.ENOMEM;
        if ((flags & MapFlags.Fixed) != 0)
        {
            if (addr > TaskSize - len)
                return -Errno.ENOMEM;
            if (addr < MmapMinAddr)
                return -Errno.EPERM;
            return (long)addr;
        }
        if (len > TaskSize - MmapMinAddr)
            return -Errno.ENOMEM;
        if (addr != 0)
        {
            var hint = addr + PageSize - 1 < addr ? 0 : (addr + PageSize - 1) & ~(PageSize - 1);
            var vma = FindVmaPrev(hint, out var prev);
            if (TaskSize - len >= hint && hint >= MmapMinAddr &&
                (vma is null || hint + len <= vma.VmStart) &&
                (prev is null || hint >= prev.VmEnd))
                return (long)hint;
        }
        return UnmappedAreaTopdown(len, Math.Max(PageSize, MmapMinAddr), MmapBase);
    }

    /// <summary>accountable_mapping: private writable mappings are charged.</summary>
    private static bool AccountableMapping(VmFlags vmFlags) =>
        (vmFlags & (VmFlags.Shared | VmFlags.Write)) == VmFlags.Write;

    /// <summary>
    /// The merge step of 6.1's mmap_region (<see cref="MmFlags.MmapMergeNextFirst"/>), on the
    /// 4.16 primitives. next is tried first, judged with no anon_vma on the new side; prev
    /// only then, and it must be compatible with the anon_vma the result will have (next's
    /// when next was taken): a written next refuses a prev without anon_vma (its chain is
    /// empty, not singular) or with another one, so the range joins next alone where 4.16's
    /// vma_merge would make one VMA of all three or join prev. 6.1's vma_expand is
    /// __vma_adjust's case 1, 2 or 3 here.
    /// </summary>
    private VmAreaStruct? MmapExpandNextFirst(VmAreaStruct? prev, ulong addr, ulong end, VmFlags vmFlags,
        Kernel.File? file, ulong pgoff)
    {
        var pglen = (end - addr) >> PageShift;
        var next = prev is not null ? prev.VmNext : Mmap;
        VmAreaStruct? vma = null;
        if (next is not null && next.VmStart == end && next.VmPolicy is null &&
            CanVmaMergeBefore(next, vmFlags, null, file, pgoff + pglen))
            vma = next;
        if (prev is not null && prev.VmEnd == addr && prev.VmPolicy is null &&
            CanVmaMergeAfter(prev, vmFlags, vma?.AnonVma, file, pgoff))
        {
            VmaAdjust(prev, prev.VmStart, vma is not null ? next!.VmEnd : end, prev.VmPgoff, null, prev);
            return prev;
        }
        if (vma is null)
            return null;
        VmaAdjust(next!, addr, next!.VmEnd, next.VmPgoff - pglen, null, next);
        return next;
    }

    /// <summary>
    /// mmap_region: clear what is there (MAP_FIXED), try vma_merge, else allocate and
    /// link a new VMA. Shared anonymous mappings get a new shmem file (shmem_zero_setup).
    /// </summary>
    private long MmapRegion(Kernel.File? file, ulong addr, ulong len, VmFlags vmFlags, ulong pgoff)
    {
        VmAreaStruct? prev;
        RbNode<VmAreaStruct>? rbParent;
        bool left;
        while (!FindVmaLinks(addr, addr + len, out prev, out rbParent, out left))
        {
            if (DoMunmap(addr, len) != 0)
                return -Errno.ENOMEM;
        }

        // The range has no VMA now, so it must have no page either: a page here was
        // installed by a fault that raced with the unmap and lost without noticing.
        var stale = PopulatedIn(addr, addr + len);
        if (stale != 0)
            Bug.Warn(true, $"mmap_region: {stale} stale pages in unmapped [{addr:x},{addr + len:x})");

        if (AccountableMapping(vmFlags))
            vmFlags |= VmFlags.Account;

        var merged = (Flags & MmFlags.MmapMergeNextFirst) != 0
            ? MmapExpandNextFirst(prev, addr, addr + len, vmFlags, file, pgoff)
            : VmaMerge(prev, addr, addr + len, vmFlags, null, file, pgoff, null);
        if (merged is not null)
            return (long)addr;

        var vma = VmAreaStruct.Alloc(this);
        if (vma is null)
            return -Errno.ENOMEM;
        vma.VmStart = addr;
        vma.VmEnd = addr + len;
        vma.VmFlags = vmFlags;
        vma.VmPgoff = pgoff;

        if (file is not null)
        {
            vma.VmFile = file.Get();
        }
        else if ((vmFlags & VmFlags.Shared) != 0)
        {
            // shmem_zero_setup: a new file of the mapping's size backs it.
            var shmem = Kernel.File.Alloc(Kmem, len, FileFlags.None);
            if (shmem is null)
            {
                vma.Free();
                return -Errno.ENOMEM;
            }
            vma.VmFile = shmem;
        }

        VmaLink(vma, prev, rbParent, left);
        return (long)addr;
    }

    /// <summary>
    /// do_mmap after the argument checks of the API layer: pick the address, compute
    /// vm_flags and pgoff, check the map count, then mmap_region.
    /// </summary>
    public long DoMmap(Kernel.File? file, ulong addr, ulong len, Prot prot, MapFlags flags, ulong pgoff)
    {
        Lockdep.AssertHeldWrite(MmapSem);
        long found;
        if ((flags & MapFlags.Fixed) != 0)
        {
            // The range checks of a fixed mapping come before the map count.
            found = GetUnmappedArea(addr, len, flags);
            if (found < 0)
                return found;
            if (MapCount >= SysctlMaxMapCount)
                return -Errno.ENOMEM;
        }
        else
        {
            if (MapCount >= SysctlMaxMapCount)
                return -Errno.ENOMEM;
            found = GetUnmappedArea(addr, len, flags);
            if (found < 0)
                return found;
        }
        addr = (ulong)found;

        // calc_vm_flag_bits: MAP_GROWSDOWN is the model's only such flag.
        var vmFlags = (VmFlags)(uint)prot | VmFlags.MayRead | VmFlags.MayWrite | VmFlags.MayExec;
        if ((flags & MapFlags.Growsdown) != 0)
            vmFlags |= VmFlags.Growsdown;
        // shmem cannot grow.
        if (file is null && (flags & MapFlags.Shared) != 0 && (vmFlags & VmFlags.Growsdown) != 0)
            return -Errno.EINVAL;
        if ((flags & MapFlags.Shared) != 0)
            vmFlags |= VmFlags.Shared | VmFlags.MayShare;
        if (file is null)
            pgoff = (flags & MapFlags.Shared) != 0 ? 0 : addr >> PageShift;
        return MmapRegion(file, addr, len, vmFlags, pgoff);
    }

    /// <summary>
    /// exit_mmap: zap everything, unlink anon_vmas, drop the tree's references. The last user
    /// is gone, so as in the series the VMAs are not erased from mm_rb one by one: the tree is
    /// forgotten and remove_vma drops each reference with the node still linked.
    /// </summary>
    public void ExitMmap()
    {
        Exiting = true;
        var vma = Mmap;
        if (vma is null)
            return;
        for (var v = vma; v is not null; v = v.VmNext)
            UnmapPageRange(v, v.VmStart, v.VmEnd);
        FreePgtables(vma);
        // 6.15: each VMA detached before its free, so it reads as free (vm_refcnt 0) to a
        // stale reader of its next life in the typesafe cache.
        for (var v = vma; VmaRefcnt && v is not null; v = v.VmNext)
        {
            VmaStartWrite(v);
            VmaMarkDetachedRefcnt(v);
        }
        RemoveVmaList(vma);
        Mmap = null;
        MmRb.Node = null;
        // 6.4: __mt_destroy.
        MmMt.Destroy();
        MapCount = 0;
        HighestVmEnd = 0;
    }
}
