// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/mmap.c validate_mm / browse_rb (CONFIG_DEBUG_VM_RB), plus the model's own
// invariants: tree VMAs hold a reference (SPF), every populated page is covered by a
// VMA, and live VMAs = map_count + detached VMAs still held by get_vma references.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>
    /// validate_mm and the refcount/page-table invariants; each problem is recorded as a
    /// violation. The caller holds mmap_sem (read is enough: writers are excluded).
    /// </summary>
    public int ValidateMm()
    {
        var bugs = 0;

        // The list: count, order, highest_vm_end, objects alive.
        var i = 0;
        ulong highest = 0;
        VmAreaStruct? prev = null;
        for (var vma = Mmap; vma is not null; vma = vma.VmNext)
        {
            if (!vma.CheckLive())
                bugs++;
            if (Bug.Warn(vma.VmPrev != prev, $"vma {vma.Id}: vm_prev does not point back"))
                bugs++;
            if (prev is not null && Bug.Warn(vma.VmStart < prev.VmEnd, $"vma {vma.Id} overlaps or precedes vma {prev.Id}"))
                bugs++;
            if (Bug.Warn(vma.VmStart >= vma.VmEnd, $"vma {vma.Id}: vm_start {vma.VmStart:x} >= vm_end {vma.VmEnd:x}"))
                bugs++;
            if (Bug.Warn(vma.VmRb.IsEmpty, $"vma {vma.Id} on the list but not in mm_rb"))
                bugs++;
            if (VmaRefs && Bug.Warn(vma.VmRefCount.Read() < 1, $"vma {vma.Id} in the tree with vm_ref_count {vma.VmRefCount.Read()}"))
                bugs++;
            if (PerVmaLock && Bug.Warn(Volatile.Read(ref vma.VmLockSeq) == Volatile.Read(ref MmLockSeq), $"vma {vma.Id} write-locked outside a write section"))
                bugs++;
            if (PerVmaLock && !VmaRefcnt && Bug.Warn(vma.Detached, $"vma {vma.Id} on the list is marked detached"))
                bugs++;
            var refcnt = Volatile.Read(ref vma.VmRefcnt);
            if (VmaRefcnt && Bug.Warn(refcnt is < 1 or >= VmaLockOffset, $"vma {vma.Id} on the list has vm_refcnt {refcnt:x}"))
                bugs++;
            highest = vma.VmEnd;
            prev = vma;
            i++;
        }
        if (Bug.Warn(i != MapCount, $"map_count {MapCount} vm_next {i}"))
            bugs++;
        if (Bug.Warn(highest != HighestVmEnd, $"mm->highest_vm_end {HighestVmEnd:x}, found {highest:x}"))
            bugs++;
        if (MapleIndex)
            bugs += ValidateMmMt();

        // browse_rb: sorted, gaps right, forwards == backwards, and list == tree.
        var j = 0;
        ulong prevStart = 0;
        ulong pend = 0;
        RbNode<VmAreaStruct>? last = null;
        var listed = Mmap;
        for (var nd = RbTree.First(MmRb); nd is not null; nd = RbTree.Next(nd))
        {
            var vma = nd.Entry;
            if (Bug.Warn(vma.VmStart < prevStart, $"vm_start {vma.VmStart:x} < prev {prevStart:x}"))
                bugs++;
            if (Bug.Warn(vma.VmStart < pend, $"vm_start {vma.VmStart:x} < pend {pend:x}"))
                bugs++;
            var gap = VmaGapCallbacks.ComputeSubtreeGap(vma);
            if (Bug.Warn(vma.RbSubtreeGap != gap, $"vma {vma.Id}: free gap {vma.RbSubtreeGap:x}, correct {gap:x}"))
                bugs++;
            if (Bug.Warn(vma != listed, $"mm_rb and the vm_next list disagree at vma {vma.Id}"))
                bugs++;
            listed = listed?.VmNext;
            j++;
            last = nd;
            prevStart = vma.VmStart;
            pend = vma.VmEnd;
        }
        var back = 0;
        for (var nd = last; nd is not null; nd = RbTree.Prev(nd))
            back++;
        if (Bug.Warn(back != j, $"backwards {back}, forwards {j}"))
            bugs++;
        if (Bug.Warn(j != MapCount, $"map_count {MapCount} rb {j}"))
            bugs++;

        // Every populated page lies inside a VMA.
        ForEachPopulated((page, owner) =>
        {
            var vma = FindVma(page);
            if (Bug.Warn(vma is null || vma.VmStart > page, $"page {page:x} (populated by vma {owner}) is not covered by any VMA"))
                bugs++;
        });

        return bugs;
    }

    /// <summary>
    /// Live VMAs (<paramref name="live"/>, read with <paramref name="detachedHeld"/>, the
    /// distinct detached VMAs get_vma references hold) = map_count + detachedHeld. Exact only
    /// when <paramref name="quiet"/> (no fault, get_vma or put_vma ran meanwhile: a put may have
    /// dropped its reference and not yet freed the VMA, and no other mm of the fork family was
    /// charged to the same account meanwhile); otherwise "at least". The caller holds mmap_sem.
    /// </summary>
    public int ValidateLiveVmas(ulong live, int detachedHeld, bool quiet)
    {
        return Bug.Warn(quiet ? live != (ulong)(MapCount + detachedHeld) : live < (ulong)(MapCount + detachedHeld),
            $"live vmas {live} != map_count {MapCount} + {detachedHeld} held detached") ? 1 : 0;
    }

    /// <summary>mm_mt maps exactly the list: each VMA over [vm_start, vm_end) (in one range or adjacent ones).</summary>
    private int ValidateMmMt()
    {
        ulong addr = 0;
        ulong first, last;
        for (var vma = Mmap; vma is not null; vma = vma.VmNext)
        {
            addr = vma.VmStart;
            do
            {
                var entry = MmMt.Find(addr, ulong.MaxValue, out first, out last);
                if (Bug.Warn(entry != vma || first != addr || last > vma.VmEnd - 1,
                        $"mm_mt does not map VMA {vma.Id} over [{vma.VmStart:x},{vma.VmEnd:x}) at {addr:x}"))
                    return 1;
                addr = last + 1;
            }
            while (last != vma.VmEnd - 1);
        }
        var rest = MmMt.Find(addr, ulong.MaxValue, out first, out last);
        return Bug.Warn(rest is not null, $"mm_mt maps [{first:x},{last:x}] with no VMA") ? 1 : 0;
    }
}
