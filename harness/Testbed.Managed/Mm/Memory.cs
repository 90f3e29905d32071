// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/memory.c (4.16 + SPF): the page-table model (page-table pages of 512 PTEs,
// each the id of the VMA that populated the page, each under its own split PTE lock),
// unmap_page_range (zap), the classic fault (handle_mm_fault under
// mmap_sem read, do_anonymous_page's anon_vma_prepare on write) and
// handle_speculative_fault (get_vma, sequence checks before and after, empty-node
// check under the page-table lock, put_vma).
using System.Runtime.CompilerServices;
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    private const int PtDirBuckets = 256;

    // The directory of page-table pages (the pgd..pmd walk): chains appended under the mm's
    // page_table_lock and read without it; a table stays until the mm goes.
    private readonly PteTable?[] ptDir = new PteTable?[PtDirBuckets];
    private int nrTables;

    private static int PtDirHash(ulong addr) => (int)(((addr >> PteTable.PmdShift) * 0x9e3779b97f4a7c15UL) >> 32) & (PtDirBuckets - 1);

    /// <summary>pte_offset_map: the table mapping addr, found without a lock; null for pmd_none.</summary>
    private PteTable? PteOffsetMap(ulong addr)
    {
        var pmd = addr & ~(PteTable.PmdSize - 1);
        for (var t = Volatile.Read(ref ptDir[PtDirHash(pmd)]); t is not null; t = t.Next)
        {
            if (t.Addr == pmd)
                return t;
        }
        return null;
    }

    /// <summary>
    /// __pte_alloc: the table mapping addr, installed under page_table_lock if missing. The walk
    /// begins at mm->pgd, which shares mmap_sem's line in the kernel's mm_struct (<see cref="MmLines.Sem"/>).
    /// </summary>
    private PteTable PteAlloc(ulong addr)
    {
        LineAccess.Read(Lines.Sem);
        if (PteOffsetMap(addr) is { } t)
            return t;
        var pmd = addr & ~(PteTable.PmdSize - 1);
        var bucket = PtDirHash(pmd);
        PageTableLock.Lock();
        t = PteOffsetMap(addr);
        if (t is null)
        {
            t = new PteTable(pmd, ptDir[bucket]);
            Volatile.Write(ref ptDir[bucket], t);
            Volatile.Write(ref nrTables, nrTables + 1);
        }
        PageTableLock.Unlock();
        return t;
    }

    /// <summary>
    /// Calls visit(table, start, end) with the table's lock held for every table that maps
    /// part of [start, end), clipped to it: the range's tables one by one when that is fewer
    /// than the mm has, otherwise every table.
    /// </summary>
    private void ForEachPteTable<TArg>(ulong start, ulong end, TArg arg, Action<PteTable, ulong, ulong, TArg> visit)
    {
        if (start >= end)
            return;
        if (((end - 1) >> PteTable.PmdShift) - (start >> PteTable.PmdShift) < (ulong)Volatile.Read(ref nrTables))
        {
            for (var pmd = start & ~(PteTable.PmdSize - 1); pmd < end; pmd += PteTable.PmdSize)
            {
                if (PteOffsetMap(pmd) is { } t)
                    VisitLocked(t, start, end, arg, visit);
            }
            return;
        }
        for (var i = 0; i < PtDirBuckets; i++)
        {
            for (var t = Volatile.Read(ref ptDir[i]); t is not null; t = t.Next)
            {
                if (t.Addr + PteTable.PmdSize > start && t.Addr < end)
                    VisitLocked(t, start, end, arg, visit);
            }
        }
    }

    private static void VisitLocked<TArg>(PteTable t, ulong start, ulong end, TArg arg, Action<PteTable, ulong, ulong, TArg> visit)
    {
        t.Ptl.Lock();
        visit(t, Math.Max(start, t.Addr), Math.Min(end - 1, t.Addr + PteTable.PmdSize - 1) + 1, arg);
        t.Ptl.Unlock();
    }

    /// <summary>Pages populated, all VMAs (takes each table's lock).</summary>
    public ulong PopulatedPages() => PopulatedIn(0, TaskSize);

    /// <summary>Pages populated inside [start, end) (takes each table's lock).</summary>
    public uint PopulatedIn(ulong start, ulong end)
    {
        var n = new StrongBox<uint>();
        ForEachPteTable(start, end, n, static (t, s, e, count) =>
        {
            if (e - s == PteTable.PmdSize)
            {
                count.Value += (uint)t.NrPages;
                return;
            }
            for (var a = s; a < e; a += PageSize)
            {
                if (t.Pte[PteTable.Index(a)] != 0)
                    count.Value++;
            }
        });
        return n.Value;
    }

    /// <summary>Every populated page with the id of the VMA that populated it (each table's lock held while it is visited).</summary>
    private void ForEachPopulated(Action<ulong, ulong> visit) =>
        ForEachPteTable(0, TaskSize, visit, static (t, _, _, fn) =>
        {
            for (var i = 0; i < PteTable.PtrsPerPte; i++)
            {
                if (t.Pte[i] != 0)
                    fn(t.Addr + ((ulong)i << PageShift), t.Pte[i] & ~PteTable.PteFlags);
            }
        });

    /// <summary>The entries of [start, end) fork write-protected (takes each table's lock).</summary>
    public uint CowIn(ulong start, ulong end)
    {
        var n = new StrongBox<uint>();
        ForEachPteTable(start, end, n, static (t, s, e, count) =>
        {
            for (var a = s; a < e; a += PageSize)
            {
                if ((t.Pte[PteTable.Index(a)] & PteTable.PteCow) != 0)
                    count.Value++;
            }
        });
        return n.Value;
    }

    /// <summary>
    /// unmap_page_range for [start, end) of vma: zap the pages under each table's split PTE
    /// lock, inside a vm_sequence write section (SPF).
    /// </summary>
    private void UnmapPageRange(VmAreaStruct vma, ulong start, ulong end)
    {
        if (start >= end)
            return;
        vma.VmWriteBegin();
        ForEachPteTable(start, end, 0, static (t, s, e, _) =>
        {
            var zapped = 0;
            for (var a = s; a < e && t.NrPages > 0; a += PageSize)
            {
                var i = PteTable.Index(a);
                if (t.Pte[i] != 0)
                {
                    t.Clear(i);
                    zapped++;
                }
            }
            // The TLB flush before the lock is dropped: its IPIs wait for every CPU of the mm.
            if (zapped > 0)
            {
                SchedHook.Sched(SchedPoint.Preempt, t.Ptl);
                t.Ptl.CheckIpiWait();
            }
        });
        vma.VmWriteEnd();
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
        var c = Counters;
        c.Faults++;
        if (PerVmaLock && (flags & (FaultFlags.NoSpeculative | FaultFlags.Kernel)) == 0)
        {
            c.SpfAttempts++;
            var abort = HandleVmaLockedFault(addr, flags);
            if (abort is null)
            {
                c.SpfSuccess++;
                return (int)FaultResult.Speculative;
            }
            c.SpfAborts[(int)abort.Value]++;
            c.Fallbacks++;
        }
        VmAreaStruct? spfVma = null;
        if (Spf && SpfTry(flags))
        {
            c.SpfAttempts++;
            var abort = HandleSpeculativeFault(addr, flags, out spfVma);
            if (abort is null)
            {
                c.SpfSuccess++;
                return (int)FaultResult.Speculative;
            }
            c.SpfAborts[(int)abort.Value]++;
            c.Fallbacks++;
        }
        c.ClassicFaults++;
        var ret = HandleClassicFault(addr, flags, spfVma);
        if (ret == -Errno.EFAULT || ret == -Errno.EACCES)
            c.Segv++;
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
    /// otherwise why it gave up (VM_FAULT_RETRY). On mmu-spf-v9 a give-up after get_vma found
    /// a VMA keeps the reference and hands the VMA over in <paramref name="spfVma"/> for the
    /// classic path (v9's can_reuse_spf_vma), but for the access error (v9's VM_FAULT_SIGSEGV,
    /// which x86 retries classic without it); otherwise <paramref name="spfVma"/> is null.
    /// </summary>
    private SpfAbort? HandleSpeculativeFault(ulong addr, FaultFlags flags, out VmAreaStruct? spfVma)
    {
        spfVma = null;
        if (SpfRcu)
            return HandleSpeculativeFaultRcu(addr, flags);
        var vma = GetVma(addr);
        if (vma is null)
            return SpfAbort.NoVma;
        var abort = SpeculativeAnonymousPage(vma, addr, flags);
        if (SpfReuseVma && abort is { } a && a != SpfAbort.Access)
            spfVma = vma;
        else
            PutVma(vma);
        return abort;
    }

    /// <summary>
    /// mmu-spf-rcu: the VMA is found under RCU and kept by the read-side section, not by a
    /// reference; one freed already means its grace period was cut short.
    /// </summary>
    private SpfAbort? HandleSpeculativeFaultRcu(ulong addr, FaultFlags flags)
    {
        // The mutant walks before the section begins; the walk's own check reports it.
        var early = Options.TestOnlyMutant == ManagedMutant.WalkOutsideRcu ? MmMt.Walk(addr) : null;
        Rcu.ReadLock();
        var inSection = true;
        try
        {
            // mas_walk of mm_mt under RCU alone: only a VMA covering addr.
            var vma = Options.TestOnlyMutant == ManagedMutant.WalkOutsideRcu ? early : MmMt.Walk(addr);
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
        // The bounds were read after the sample: re-validate them. An interrupt or a
        // preemption may land before the check (the hook).
        SchedHook.Sched(SchedPoint.Preempt, vma);
        if (Options.TestOnlyMutant != ManagedMutant.SkipBoundsRecheck && vma.VmSequence.Retry(seq, vma))
            return SpfAbort.SeqChanged;
        // do_anonymous_page: only the table to prepare (the series gives up on pmd_none).
        var pte = PteAlloc(addr);
        var newPage = PteTable.NewPage(flags, vmFlags);
        // The page is allocated before pte_map_lock (and freed again if it gives up).
        pte.ReportFaultPage(addr, newPage, (flags & FaultFlags.Write) != 0);
        if (SpfPteMapLock(pte, vma, seq) is { } abort)
            return abort;
        pte.FaultLocked(addr, vma.Id, newPage, (flags & FaultFlags.Write) != 0);
        pte.Ptl.Unlock();
        return null;
    }

    /// <summary>
    /// pte_map_lock of a speculative fault: the VMA unchanged, the table's split PTE lock only
    /// tried, the VMA checked again under it. Null with the lock held, or why it gave up.
    /// </summary>
    private SpfAbort? SpfPteMapLock(PteTable pte, VmAreaStruct vma, int seq)
    {
        // Interrupts off from the first check to the last, as in the series: a zap's TLB
        // flush waits for this CPU, so the lock may only be tried.
        IrqFlags.Disable();
        try
        {
            if (!Options.TestOnlySkipSpeculativeRecheck && VmaHasChanged(vma, seq) is { } before)
                return before;
            if (Options.TestOnlyMutant == ManagedMutant.SpinOnPtl)
                pte.Ptl.Lock();
            else if (!pte.Ptl.TryLock())
                return SpfAbort.PtlBusy;
            if (!Options.TestOnlySkipSpeculativeRecheck && VmaHasChanged(vma, seq) is { } after)
            {
                pte.Ptl.Unlock();
                return after;
            }
            return null;
        }
        finally
        {
            IrqFlags.Enable();
        }
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

    /// <summary>
    /// can_reuse_spf_vma (SPF v9, dropped in v11), under mmap_sem read: the VMA the speculative
    /// attempt pinned is what find_vma would return if it is still in mm_rb and still covers
    /// addr. The reference is dropped after the fields are read, whatever the answer: mmap_sem
    /// keeps a VMA still in the tree, and one that left it may be freed by this put.
    /// </summary>
    private bool CanReuseSpfVma(VmAreaStruct vma, ulong addr)
    {
        var reuse = !vma.VmRb.IsEmpty && vma.VmStart <= addr && addr < vma.VmEnd;
        PutVma(vma);
        return reuse;
    }

    /// <summary>
    /// handle_mm_fault under mmap_sem read (__do_page_fault's classic path); on mmu-spf-v9 the
    /// VMA a speculative attempt handed over (<paramref name="spfVma"/>) is reused or put here.
    /// </summary>
    private int HandleClassicFault(ulong addr, FaultFlags flags, VmAreaStruct? spfVma)
    {
        MmapSem.DownRead();
        VmAreaStruct? vma;
        if (spfVma is not null && CanReuseSpfVma(spfVma, addr))
        {
            vma = spfVma;
            Counters.SpfVmaReused++;
        }
        else
        {
            vma = FindVma(addr);
        }
        if (vma is not null && vma.VmStart > addr)
        {
            if (PerVmaLock)
            {
                // The expansion under mmap_sem write; released on failure.
                vma = LockMmAndExpandStack(addr);
                if (vma is null)
                    return -Errno.EFAULT;
            }
            else if ((vma.VmFlags & VmFlags.Growsdown) == 0 || ExpandStack(vma, addr) != 0)
            {
                // 4.16's __do_page_fault: expand_stack under mmap_sem read.
                vma = null;
            }
        }
        var ret = ClassicFaultLocked(vma, addr, flags);
        MmapSem.UpRead();
        return ret;
    }

    private int ClassicFaultLocked(VmAreaStruct? vma, ulong addr, FaultFlags flags)
    {
        if (vma is null)
            return -Errno.EFAULT;
        vma.CheckLive();
        if (AccessError(vma.VmFlags, flags))
            return -Errno.EACCES;
        // do_anonymous_page / do_cow_fault: a private write needs an anon_vma.
        if ((flags & FaultFlags.Write) != 0 && (vma.VmFlags & VmFlags.Shared) == 0 && !AnonVmaPrepare(vma))
            return -Errno.ENOMEM;
        var pte = PteAlloc(addr);
        FaultInstall(pte, vma, addr, flags);
        return (int)FaultResult.Classic;
    }

    /// <summary>
    /// do_anonymous_page's install with the VMA held (mmap_sem or its own lock): a new page is
    /// allocated under the VMA's policy, read without a reference before the page-table lock
    /// as 6.4's vma_alloc_folio → get_vma_policy reads it (the page is taken under the lock,
    /// see <see cref="PteTable.Populate"/>; its <see cref="PageWork"/> is reported before the
    /// lock, where the kernel allocates); the policy must still be live at the use.
    /// </summary>
    private static void FaultInstall(PteTable pte, VmAreaStruct vma, ulong addr, FaultFlags flags)
    {
        var newPage = PteTable.NewPage(flags, vma.VmFlags);
        var pol = newPage ? Volatile.Read(ref vma.VmPolicy) : null;
        pte.ReportFaultPage(addr, newPage, (flags & FaultFlags.Write) != 0);
        pte.Ptl.Lock();
        pol?.CheckLive();
        pte.FaultLocked(addr, vma.Id, newPage, (flags & FaultFlags.Write) != 0);
        pte.Ptl.Unlock();
    }
}
