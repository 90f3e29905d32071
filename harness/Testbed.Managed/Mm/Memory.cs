// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/memory.c (4.16 + SPF): the page-table model (which pages are populated,
// and by which VMA), unmap_page_range (zap), the classic fault (handle_mm_fault under
// mmap_sem read, do_anonymous_page's anon_vma_prepare on write) and
// handle_speculative_fault (get_vma, sequence checks before and after, empty-node
// check under the page-table lock, put_vma).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    private readonly Dictionary<ulong, Pte> pageTable = [];
    private readonly List<ulong> zapScratch = [];

    /// <summary>Pages populated, all VMAs (takes the page-table lock).</summary>
    public ulong PopulatedPages()
    {
        PageTableLock.Lock();
        var n = (ulong)pageTable.Count;
        PageTableLock.Unlock();
        return n;
    }

    /// <summary>Pages populated inside [start, end) (takes the page-table lock).</summary>
    public uint PopulatedIn(ulong start, ulong end)
    {
        uint n = 0;
        PageTableLock.Lock();
        if ((end - start) >> PageShift <= (ulong)pageTable.Count)
        {
            for (var a = start; a < end; a += PageSize)
            {
                if (pageTable.ContainsKey(a))
                    n++;
            }
        }
        else
        {
            foreach (var page in pageTable.Keys)
            {
                if (page >= start && page < end)
                    n++;
            }
        }
        PageTableLock.Unlock();
        return n;
    }

    /// <summary>Every populated page with the id of the VMA that populated it (page-table lock held by caller).</summary>
    private Dictionary<ulong, Pte> PageTableLocked => pageTable;

    /// <summary>
    /// unmap_page_range for [start, end) of vma: zap the pages under the page-table
    /// lock, inside a vm_sequence write section (SPF).
    /// </summary>
    private void UnmapPageRange(VmAreaStruct vma, ulong start, ulong end)
    {
        if (start >= end)
            return;
        vma.VmWriteBegin();
        PageTableLock.Lock();
        if ((end - start) >> PageShift <= (ulong)pageTable.Count)
        {
            for (var a = start; a < end; a += PageSize)
            {
                if (pageTable.Remove(a, out var pte))
                    PageAlloc.Free(pte.Page);
            }
        }
        else
        {
            zapScratch.Clear();
            foreach (var page in pageTable.Keys)
            {
                if (page >= start && page < end)
                    zapScratch.Add(page);
            }
            foreach (var page in zapScratch)
            {
                pageTable.Remove(page, out var pte);
                PageAlloc.Free(pte.Page);
            }
        }
        PageTableLock.Unlock();
        vma.VmWriteEnd();
    }

    /// <summary>
    /// set_pte_at (page-table lock held): populates <paramref name="page"/> for the VMA
    /// <paramref name="vmaId"/>, whose flags are <paramref name="vmFlags"/>, unless present. A private write takes a zeroed page of its own
    /// (do_anonymous_page, or the COW copy of a file page; perf flavour only); a read maps the
    /// zero page or the page cache's page, a shared write dirties the page cache's. The kernel
    /// allocates before taking the PTE lock; here under it, once the entry is known to be new.
    /// </summary>
    private void SetPte(ulong page, ulong vmaId, VmFlags vmFlags, FaultFlags flags)
    {
        ref var pte = ref CollectionsMarshal.GetValueRefOrAddDefault(pageTable, page, out var exists);
        if (exists)
            return;
        var newPage = (flags & FaultFlags.Write) != 0 && (vmFlags & VmFlags.Shared) == 0;
        pte = new Pte(vmaId, newPage ? PageAlloc.AllocZeroed() : null);
    }

    /// <summary>access_error (x86): write needs VM_WRITE, exec VM_EXEC, read any of R/W/X.</summary>
    private static bool AccessError(VmFlags vmFlags, FaultFlags flags)
    {
        if ((flags & FaultFlags.Write) != 0)
            return (vmFlags & VmFlags.Write) == 0;
        if ((flags & FaultFlags.Exec) != 0)
            return (vmFlags & VmFlags.Exec) == 0;
        return (vmFlags & ProtMask) == 0;
    }

    /// <summary>
    /// The arch fault entry (do_page_fault) for an address below TASK_SIZE: the
    /// speculative attempt first (SPF configs), else or then the classic path.
    /// </summary>
    public int HandleFault(ulong addr, FaultFlags flags)
    {
        Interlocked.Increment(ref Counters.Faults);
        if (PerVmaLock && (flags & (FaultFlags.NoSpeculative | FaultFlags.Kernel)) == 0)
        {
            Interlocked.Increment(ref Counters.SpfAttempts);
            var abort = HandleVmaLockedFault(addr, flags);
            if (abort is null)
            {
                Interlocked.Increment(ref Counters.SpfSuccess);
                return (int)FaultResult.Speculative;
            }
            Interlocked.Increment(ref Counters.SpfAborts[(int)abort.Value]);
            Interlocked.Increment(ref Counters.Fallbacks);
        }
        if (Spf && SpfTry(flags))
        {
            Interlocked.Increment(ref Counters.SpfAttempts);
            var abort = HandleSpeculativeFault(addr, flags);
            if (abort is null)
            {
                Interlocked.Increment(ref Counters.SpfSuccess);
                return (int)FaultResult.Speculative;
            }
            Interlocked.Increment(ref Counters.SpfAborts[(int)abort.Value]);
            Interlocked.Increment(ref Counters.Fallbacks);
        }
        var ret = HandleClassicFault(addr, flags);
        if (ret == -Errno.EFAULT || ret == -Errno.EACCES)
            Interlocked.Increment(ref Counters.Segv);
        return ret;
    }

    /// <summary>
    /// handle_speculative_fault (include/linux/mm.h of the series): only a user fault of a
    /// multithreaded mm is tried. The caller's API call holds one mm_users reference of its
    /// own, which a faulting task does not: "alone" is MmUsers == 2 here.
    /// </summary>
    private bool SpfTry(FaultFlags flags) =>
        (flags & (FaultFlags.NoSpeculative | FaultFlags.Kernel)) == 0 && Volatile.Read(ref MmUsers) - 1 > 1;

    /// <summary>
    /// __handle_speculative_fault: null when the page was handled without mmap_sem,
    /// otherwise why it gave up (VM_FAULT_RETRY).
    /// </summary>
    private SpfAbort? HandleSpeculativeFault(ulong addr, FaultFlags flags)
    {
        if (SpfRcu)
            return HandleSpeculativeFaultRcu(addr, flags);
        var vma = GetVma(addr);
        if (vma is null)
            return SpfAbort.NoVma;
        var abort = SpeculativeAnonymousPage(vma, addr, flags);
        PutVma(vma);
        return abort;
    }

    /// <summary>
    /// mmu-spf-rcu: the VMA is found under RCU and kept by the read-side section, not by a
    /// reference; one freed already means its grace period was cut short.
    /// </summary>
    private SpfAbort? HandleSpeculativeFaultRcu(ulong addr, FaultFlags flags)
    {
        Rcu.ReadLock();
        var inSection = true;
        try
        {
            MmRbLock.ReadLock();
            var vma = FindVma(addr);
            MmRbLock.ReadUnlock();
            if (vma is null || !vma.CheckLive())
                return SpfAbort.NoVma;
            if (Options.TestOnlyRcuUnlockBeforeUse)
            {
                Rcu.ReadUnlock();
                inSection = false;
            }
            var abort = SpeculativeAnonymousPage(vma, addr, flags);
            vma.CheckLive();
            return abort;
        }
        finally
        {
            if (inSection)
                Rcu.ReadUnlock();
        }
    }

    /// <summary>
    /// The body of the speculative fault while holding the get_vma reference, in the order of
    /// the series' "mm: provide speculative fault infrastructure" (v10/v11).
    /// </summary>
    private SpfAbort? SpeculativeAnonymousPage(VmAreaStruct vma, ulong addr, FaultFlags flags)
    {
        var seq = vma.VmSequence.RawRead(vma);
        if ((seq & 1) != 0)
            return SpfAbort.SeqOdd;
        // vm_ops: a VMA with a vm_file (file or shmem) is not handled speculatively.
        if (Volatile.Read(ref vma.VmFile) is not null)
            return SpfAbort.NotAnon;
        // __anon_vma_prepare needs mmap_sem (it looks at vm_prev/vm_next): any fault.
        if (Volatile.Read(ref vma.AnonVma) is null)
            return SpfAbort.NoAnonVma;
        if (addr < Volatile.Read(ref vma.VmStart) || addr >= Volatile.Read(ref vma.VmEnd))
            return SpfAbort.NoVma;
        // READ_ONCE: an acquire read, as the others here, which SeqCount.Retry relies on.
        // One snapshot of the flags (vmf.vma_flags) serves the rest of the fault.
        var vmFlags = (VmFlags)Volatile.Read(ref Unsafe.As<VmFlags, uint>(ref vma.VmFlags));
        if (AccessError(vmFlags, flags))
            return SpfAbort.Access;
        // mpol_misplaced cannot handle MPOL_INTERLEAVE speculatively.
        if (Volatile.Read(ref vma.VmPolicy) is { Mode: MpolMode.Interleave })
            return SpfAbort.Mpol;
        // The bounds were read after the sample: re-validate them.
        if (vma.VmSequence.Retry(seq, vma))
            return SpfAbort.SeqChanged;
        var page = addr & ~(PageSize - 1);
        if (SpfPteMapLock(vma, seq) is { } abort)
            return abort;
        SetPte(page, vma.Id, vmFlags, flags);
        PageTableLock.Unlock();
        return null;
    }

    /// <summary>
    /// pte_map_lock of a speculative fault: the VMA unchanged, the page-table lock only tried,
    /// the VMA checked again under it. Null with the lock held, or why it gave up.
    /// </summary>
    private SpfAbort? SpfPteMapLock(VmAreaStruct vma, int seq)
    {
        if (!Options.TestOnlySkipSpeculativeRecheck && VmaHasChanged(vma, seq) is { } before)
            return before;
        if (!PageTableLock.TryLock())
            return SpfAbort.PtlBusy;
        if (!Options.TestOnlySkipSpeculativeRecheck && VmaHasChanged(vma, seq) is { } after)
        {
            PageTableLock.Unlock();
            return after;
        }
        return null;
    }

    /// <summary>vma_has_changed: the node left the tree, or the sequence moved.</summary>
    private static SpfAbort? VmaHasChanged(VmAreaStruct vma, int seq)
    {
        if (vma.VmRb.IsEmpty)
            return SpfAbort.Detached;
        if (vma.VmSequence.Retry(seq, vma))
            return SpfAbort.SeqChanged;
        return null;
    }

    /// <summary>handle_mm_fault under mmap_sem read (__do_page_fault's classic path).</summary>
    private int HandleClassicFault(ulong addr, FaultFlags flags)
    {
        Interlocked.Increment(ref Counters.ClassicFaults);
        MmapSem.DownRead();
        var ret = ClassicFaultLocked(addr, flags);
        MmapSem.UpRead();
        return ret;
    }

    private int ClassicFaultLocked(ulong addr, FaultFlags flags)
    {
        var vma = FindVma(addr);
        if (vma is null || vma.VmStart > addr)
            return -Errno.EFAULT;
        vma.CheckLive();
        if (AccessError(vma.VmFlags, flags))
            return -Errno.EACCES;
        // do_anonymous_page / do_cow_fault: a private write needs an anon_vma.
        if ((flags & FaultFlags.Write) != 0 && (vma.VmFlags & VmFlags.Shared) == 0 && !AnonVmaPrepare(vma))
            return -Errno.ENOMEM;
        var page = addr & ~(PageSize - 1);
        PageTableLock.Lock();
        SetPte(page, vma.Id, vma.VmFlags, flags);
        PageTableLock.Unlock();
        return (int)FaultResult.Classic;
    }
}
