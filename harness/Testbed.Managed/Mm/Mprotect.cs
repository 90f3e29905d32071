// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/mprotect.c (4.16 + SPF): do_mprotect_pkey's walk and mprotect_fixup.
// change_protection has no page-table effect in the model (pages are kept).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>
    /// mprotect_fixup: try vma_merge, else split at start and end, then set vm_flags
    /// inside a vm_sequence write section. *pprev is set to the VMA now covering the range.
    /// </summary>
    private int MprotectFixup(VmAreaStruct vma, ref VmAreaStruct? pprev, ulong start, ulong end, VmFlags newflags)
    {
        var oldflags = vma.VmFlags;
        if (newflags == oldflags)
        {
            pprev = vma;
            return 0;
        }

        // Making a private mapping writable charges it (VM_ACCOUNT); 4.16 keeps the charge for good,
        // 6.12 (MprotectUnaccountUnfaulted) gives it back when a never-written private anonymous
        // VMA is made read-only, which lets it merge with a read-only neighbour.
        if ((newflags & VmFlags.Write) != 0)
        {
            if ((oldflags & (VmFlags.Account | VmFlags.Write | VmFlags.Shared)) == 0)
                newflags |= VmFlags.Account;
        }
        else if ((Flags & MmFlags.MprotectUnaccountUnfaulted) != 0 &&
                 (oldflags & VmFlags.Account) != 0 && vma.VmFile is null && vma.AnonVma is null)
        {
            newflags &= ~VmFlags.Account;
        }

        var pgoff = vma.VmPgoff + ((start - vma.VmStart) >> PageShift);
        pprev = VmaMerge(pprev, start, end, newflags, vma.AnonVma, vma.VmFile, pgoff, vma.VmPolicy);
        if (pprev is not null)
        {
            vma = pprev;
            Bug.WarnOn(vma.VmFlags != newflags);
        }
        else
        {
            pprev = vma;
            if (start != vma.VmStart)
            {
                var error = SplitVma(vma, start, newBelow: true);
                if (error != 0)
                    return error;
            }
            if (end != vma.VmEnd)
            {
                var error = SplitVma(vma, end, newBelow: false);
                if (error != 0)
                    return error;
            }
        }

        vma.VmWriteBegin();
        vma.VmFlags = newflags;
        vma.VmWriteEnd();
        return 0;
    }

    /// <summary>do_mprotect_pkey after the argument checks (start aligned, end = start + PAGE_ALIGN(len)).</summary>
    public int DoMprotect(ulong start, ulong end, Prot prot)
    {
        Lockdep.AssertHeldWrite(MmapSem);
        var vma = FindVma(start);
        if (vma is null)
            return -Errno.ENOMEM;
        var prev = vma.VmPrev;
        if (vma.VmStart > start)
            return -Errno.ENOMEM;
        if (start > vma.VmStart)
            prev = vma;

        var nstart = start;
        while (true)
        {
            // Here vma->vm_start <= nstart < vma->vm_end.
            var newflags = (VmFlags)(uint)prot | (vma.VmFlags & ~ProtMask);
            // newflags >> 4 puts VM_MAY* in place of VM_*.
            if (((ulong)newflags & ~((ulong)newflags >> 4) & (ulong)ProtMask) != 0)
                return -Errno.EACCES;
            var tmp = Math.Min(vma.VmEnd, end);
            var error = MprotectFixup(vma, ref prev, nstart, tmp, newflags);
            if (error != 0)
                return error;
            nstart = tmp;
            if (nstart < prev!.VmEnd)
                nstart = prev.VmEnd;
            if (nstart >= end)
                return 0;
            vma = prev.VmNext;
            if (vma is null || vma.VmStart != nstart)
                return -Errno.ENOMEM;
        }
    }
}
