// SPDX-License-Identifier: GPL-2.0-only
// Port of dup_mmap (4.16 kernel/fork.c) and the fork half of mm/memory.c
// (copy_page_range, the TLB flush) of native/mm/mmap.c and native/mm/memory.c.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>
    /// dup_mmap into <paramref name="child"/>, new and empty: every VMA but the VM_DONTCOPY
    /// ones copied and linked in address order, its page table copied unless VM_WIPEONFORK;
    /// mmap_sem held for write on both (the child's by a trylock, which cannot fail on a new
    /// mm). Each parent VMA's write section opens before it is copied and closes after the
    /// TLB flush (vma_start_write on the per-VMA-lock designs: 6.4.1's "fork: lock VMAs of the
    /// parent process when forking"; vm_sequence on SPF). 0 or a negative errno.
    /// </summary>
    public int DupMmap(MmStruct child)
    {
        VmAreaStruct? prev = null, last = null;
        var retval = 0;
        MmapWriteLock();
        Bug.BugOn(!child.MmapSem.DownWriteTrylock(), "dup_mmap: a new mm's mmap_sem is taken");
        for (var mpnt = Mmap; mpnt is not null; mpnt = mpnt.VmNext)
        {
            if ((mpnt.VmFlags & VmFlags.Dontcopy) != 0)
                continue;
            if (!(PerVmaLock && Options.TestOnlyMutant == ManagedMutant.ForkUnlocked))
                mpnt.VmWriteBegin();
            else
                mpnt.VmWriteTrace(EventType.VmaWriteBegin);
            last = mpnt;
            var tmp = child.DupVma(mpnt, out retval);
            if (tmp is null)
                break;
            // Link in the new vma and copy the page table entries.
            child.VmaLinkList(tmp, prev, prev?.VmRb);
            child.VmaLinkRb(tmp, prev?.VmRb, left: false);
            child.MapCount++;
            prev = tmp;
            if ((tmp.VmFlags & VmFlags.Wipeonfork) == 0)
                CopyPageRange(child, tmp, mpnt);
        }
        child.MmapWriteUnlock();
        FlushTlbMm();
        for (var mpnt = Mmap; last is not null && mpnt is not null; mpnt = mpnt.VmNext)
        {
            if ((mpnt.VmFlags & VmFlags.Dontcopy) != 0)
                continue;
            mpnt.VmWriteEnd();
            if (mpnt == last)
                break;
        }
        MmapWriteUnlock();
        return retval;
    }

    /// <summary>
    /// The child's copy of <paramref name="mpnt"/> ("*tmp = *mpnt", then the policy, the
    /// anon_vma, the file reference); null with <paramref name="err"/> set when an allocation failed.
    /// </summary>
    private VmAreaStruct? DupVma(VmAreaStruct mpnt, out int err)
    {
        err = -Errno.ENOMEM;
        var tmp = VmAreaStruct.Alloc(this);
        if (tmp is null)
            return null;
        tmp.VmStart = mpnt.VmStart;
        tmp.VmEnd = mpnt.VmEnd;
        tmp.VmFlags = mpnt.VmFlags;
        tmp.VmPgoff = mpnt.VmPgoff;
        tmp.VmFile = mpnt.VmFile;
        if (!Mempolicy.Dup(Kmem, mpnt.VmPolicy, out var pol))
        {
            tmp.Free();
            return null;
        }
        tmp.VmPolicy = pol;
        // VM_WIPEONFORK: a clean slate, an anon_vma of its own (no neighbour to merge with yet).
        var ok = (tmp.VmFlags & VmFlags.Wipeonfork) != 0 ? AnonVmaPrepare(tmp) : AnonVmaFork(tmp, mpnt);
        if (!ok)
        {
            Mempolicy.Put(tmp.VmPolicy);
            tmp.Free();
            return null;
        }
        tmp.VmFile?.Get();
        err = 0;
        return tmp;
    }

    /// <summary>anon_vma_fork: the child's VMA links a new anon_vma whose parent is the parent VMA's, and its chain.</summary>
    private bool AnonVmaFork(VmAreaStruct vma, VmAreaStruct pvma)
    {
        vma.AnonVma = null;
        if (pvma.AnonVma is not { } parent)
            return true;
        var anonVma = AnonVma.Alloc(Kmem, parent);
        if (anonVma is null)
            return false;
        anonVma.Link(vma);
        vma.AnonVma = anonVma;
        return true;
    }

    /// <summary>
    /// copy_page_range: nothing for a VMA without an anon_vma; otherwise each of this mm's
    /// tables in the range is copied under its lock, then written into the child's under that
    /// one's (nobody sees the child before the fork returns).
    /// </summary>
    private void CopyPageRange(MmStruct child, VmAreaStruct dst, VmAreaStruct src)
    {
        if (src.AnonVma is null)
            return;
        var cow = (src.VmFlags & (VmFlags.Shared | VmFlags.MayWrite)) == VmFlags.MayWrite;
        var batch = new List<(int Index, (ulong Flags, PageShare? Share, byte[]? Page) Entry)>();
        for (var pmd = src.VmStart & ~(PteTable.PmdSize - 1); pmd < src.VmEnd; pmd += PteTable.PmdSize)
        {
            if (PteOffsetMap(pmd) is not { } t)
                continue;
            var start = Math.Max(pmd, src.VmStart);
            var end = Math.Min(src.VmEnd - 1, pmd + PteTable.PmdSize - 1) + 1;
            batch.Clear();
            t.Ptl.Lock();
            for (var a = start; a < end; a += PageSize)
            {
                var i = PteTable.Index(a);
                if (t.Pte[i] != 0)
                    batch.Add((i, t.CopyOut(i, cow)));
            }
            t.Ptl.Unlock();
            if (batch.Count == 0)
                continue;
            var d = child.PteAlloc(pmd);
            d.Ptl.Lock();
            foreach (var (i, entry) in batch)
                d.CopyIn(i, dst.Id, entry);
            d.Ptl.Unlock();
        }
    }

    /// <summary>flush_tlb_mm at the end of dup_mmap: the write protections hold on every CPU now.</summary>
    private void FlushTlbMm() =>
        ForEachPteTable(0, TaskSize, 0, static (t, s, e, _) =>
        {
            for (var a = s; a < e; a += PageSize)
                t.Pte[PteTable.Index(a)] &= ~PteTable.PteTlbStale;
        });
}
