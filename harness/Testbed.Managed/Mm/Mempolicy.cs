// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/mempolicy.c (4.16 + SPF): do_mbind (the policy template from mpol_new,
// the hole check of queue_pages_range, made strict as the model specifies),
// mbind_range and vma_replace_policy.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>vma_replace_policy: a private copy of the new policy for this VMA; the old one is put.</summary>
    private int VmaReplacePolicy(VmAreaStruct vma, Mempolicy? pol)
    {
        if (!Mempolicy.Dup(Kmem, pol, out var @new))
            return -Errno.ENOMEM;
        // A write section ("mm: protect VMA modifications using VMA sequence count"): a
        // speculative fault that read the old policy sees the sequence move and aborts.
        var locked = Options.TestOnlyMutant != ManagedMutant.ReplacePolicyUnlocked;
        if (locked)
            vma.VmWriteBegin();
        var old = vma.VmPolicy;
        Volatile.Write(ref vma.VmPolicy, @new);
        if (locked)
            vma.VmWriteEnd();
        Mempolicy.Put(old);
        return 0;
    }

    /// <summary>mbind_range: merge or split so [start, end) is covered by VMAs with the new policy.</summary>
    private int MbindRange(ulong start, ulong end, Mempolicy? newPol)
    {
        var vma = FindVma(start);
        if (vma is null || vma.VmStart > start)
            return -Errno.EFAULT;
        var prev = vma.VmPrev;
        if (start > vma.VmStart)
            prev = vma;

        for (; vma is not null && vma.VmStart < end; prev = vma, vma = vma.VmNext)
        {
            var vmstart = Math.Max(start, vma.VmStart);
            var vmend = Math.Min(end, vma.VmEnd);
            if (Mempolicy.Equal(vma.VmPolicy, newPol))
                continue;

            var pgoff = vma.VmPgoff + ((vmstart - vma.VmStart) >> PageShift);
            var merged = VmaMerge(prev, vmstart, vmend, vma.VmFlags, vma.AnonVma, vma.VmFile, pgoff, newPol);
            if (merged is not null)
            {
                vma = merged;
                // case 8 joins vma and next: the policy still needs replacing
                if (Mempolicy.Equal(vma.VmPolicy, newPol))
                    continue;
            }
            else
            {
                if (vma.VmStart != vmstart)
                {
                    var err = SplitVma(vma, vmstart, newBelow: true);
                    if (err != 0)
                        return err;
                }
                if (vma.VmEnd != vmend)
                {
                    var err = SplitVma(vma, vmend, newBelow: false);
                    if (err != 0)
                        return err;
                }
            }
            var error = VmaReplacePolicy(vma, newPol);
            if (error != 0)
                return error;
        }
        return 0;
    }

    /// <summary>
    /// do_mbind after the argument checks: mpol_new, then under mmap_sem write the hole
    /// check (not for MPOL_DEFAULT) and mbind_range, then mpol_put of the template.
    /// </summary>
    public int DoMbind(ulong start, ulong end, MpolMode mode)
    {
        if (!Mempolicy.New(Kmem, mode, out var @new))
            return -Errno.ENOMEM;
        MmapWriteLock();
        // MPOL_DEFAULT (no template) is MPOL_MF_DISCONTIG_OK: only mbind_range's own check applies
        var err = @new is null || CheckNoHoles(start, end) ? MbindRange(start, end, @new) : -Errno.EFAULT;
        MmapWriteUnlock();
        Mempolicy.Put(@new);
        return err;
    }

    /// <summary>queue_pages_range's -EFAULT: every byte of [start, end) must be mapped.</summary>
    private bool CheckNoHoles(ulong start, ulong end)
    {
        var vma = FindVma(start);
        var expect = start;
        while (expect < end)
        {
            if (vma is null || vma.VmStart > expect)
                return false;
            expect = vma.VmEnd;
            vma = vma.VmNext;
        }
        return true;
    }
}
