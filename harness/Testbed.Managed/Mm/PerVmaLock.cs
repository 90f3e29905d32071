// SPDX-License-Identifier: GPL-2.0-only
// Port of native/mm's CONFIG_PER_VMA_LOCK parts (Linux 6.4's per-VMA locks):
// vma_start_write / vma_mark_detached / vma_end_write_all on the writer side,
// vma_start_read / lock_vma_under_rcu and the FAULT_FLAG_VMA_LOCK fault on the reader
// side, and the RCU callback that frees a VMA of the RCU designs after its grace period.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    private int vmaRcuPending;

    /// <summary>
    /// vm_area_free on the RCU designs (native vm_area_free_rcu): 6.4 hands the VMA to
    /// call_rcu and the write section goes on, no grace period inside it. The account is
    /// uncharged now (the counts after the operation are exact); the callback marks the VMA
    /// freed once every read-side section that could still see it has ended. With the last
    /// user gone (exit_mmap) nothing can read it: 6.4's remove_vma(vma, unreachable) frees
    /// at once.
    /// </summary>
    public void VmAreaFreeRcu(VmAreaStruct vma)
    {
        if (Exiting)
        {
            vma.KmemCacheFree();
            return;
        }
        vma.Uncharge();
        Interlocked.Increment(ref vmaRcuPending);
        if (Options.TestOnlyFreeWithoutGracePeriod)
            VmAreaFreeRcuCallback(vma);
        else
            Rcu.CallRcu(() => VmAreaFreeRcuCallback(vma));
    }

    /// <summary>vm_area_free_rcu_cb: the real free, after the grace period.</summary>
    private void VmAreaFreeRcuCallback(VmAreaStruct vma)
    {
        vma.KmemCacheFree();
        Interlocked.Decrement(ref vmaRcuPending);
    }

    /// <summary>
    /// rcu_barrier for the mm's teardown (native vma_rcu_barrier): waits until every VMA this
    /// mm handed to call_rcu is freed, so the leak checks after it see them gone. This mm's
    /// callbacks only: no thread adds to them any more.
    /// </summary>
    public void VmaRcuBarrier()
    {
        Bug.Warn(Rcu.ReadLockHeld, "rcu_barrier inside a read-side section");
        var spin = new SpinWait();
        while (Volatile.Read(ref vmaRcuPending) != 0)
        {
            Rcu.RunReadyCallbacks();
            spin.SpinOnce();
        }
    }

    /// <summary>mmap_write_lock.</summary>
    public void MmapWriteLock() => MmapSem.DownWrite();

    /// <summary>
    /// mmap_write_unlock: ends the VMA write marks (per-VMA locks). No grace period: the
    /// VMAs the section removed went to call_rcu (<see cref="VmAreaFreeRcu"/>).
    /// </summary>
    public void MmapWriteUnlock()
    {
        if (PerVmaLock)
            VmaEndWriteAll();
        MmapSem.UpWrite();
    }

    /// <summary>vma_end_write_all: one increment of mm_lock_seq ends every mark.</summary>
    private void VmaEndWriteAll()
    {
        Lockdep.AssertHeldWrite(MmapSem);
        Volatile.Write(ref MmLockSeq, MmLockSeq + 1);
    }

    /// <summary>
    /// vma_start_write: mark the VMA write-locked for the rest of the mmap_sem write
    /// section. Taking vm_lock for write waits out a fault that holds it for read.
    /// </summary>
    public void VmaStartWrite(VmAreaStruct vma)
    {
        if (Options.TestOnlySkipVmaStartWrite)
            return;
        if (!Exiting)
            Lockdep.AssertHeldWrite(MmapSem);
        var seq = MmLockSeq;
        if (vma.VmLockSeq == seq)
            return;
        if (VmaRefcnt)
        {
            VmaStartWriteRefcnt(vma, seq);
            return;
        }
        vma.VmLock.DownWrite();
        Volatile.Write(ref vma.VmLockSeq, seq);
        vma.VmLock.UpWrite();
    }

    /// <summary>vma_mark_detached: only a write-locked VMA may leave the tree.</summary>
    private void VmaMarkDetached(VmAreaStruct vma, bool detached)
    {
        if (detached && !Options.TestOnlySkipVmaStartWrite)
            Bug.Warn(vma.VmLockSeq != MmLockSeq, $"vma_mark_detached: VMA {vma.Id} is not write-locked");
        vma.Detached = detached;
    }

    /// <summary>
    /// vma_start_read: the sequence check, the trylock, the sequence check again. Null with
    /// vm_lock held for read, or why not (marked: SeqOdd; marked meanwhile: SeqChanged).
    /// </summary>
    private SpfAbort? VmaStartRead(VmAreaStruct vma)
    {
        if (Volatile.Read(ref vma.VmLockSeq) == Volatile.Read(ref MmLockSeq))
            return SpfAbort.SeqOdd;
        if (!vma.VmLock.DownReadTrylock())
            return SpfAbort.SeqOdd;
        if (!Options.TestOnlySkipVmLockSeqRecheck && Volatile.Read(ref vma.VmLockSeq) == Volatile.Read(ref MmLockSeq))
        {
            vma.VmLock.UpRead();
            return SpfAbort.SeqChanged;
        }
        return null;
    }

    /// <summary>
    /// lock_vma_under_rcu: the walk and the checks before the lock under RCU; the VMA
    /// read-locked, or null and why. A detached VMA falls back (6.4 walks again).
    /// </summary>
    private VmAreaStruct? LockVmaUnderRcu(ulong addr, out SpfAbort abort)
    {
        if (VmaRefcnt)
            return LockVmaUnderRcuRefcnt(addr, out abort);
        Rcu.ReadLock();
        try
        {
            // mas_walk of mm_mt under RCU alone: only a VMA covering addr.
            var vma = MmMt.Walk(addr);
            if (vma is null || addr < Volatile.Read(ref vma.VmStart))
            {
                abort = SpfAbort.NoVma;
                return null;
            }
            if (!vma.CheckLive())
            {
                abort = SpfAbort.Detached;
                return null;
            }
            if (Volatile.Read(ref vma.VmFile) is not null)
            {
                abort = SpfAbort.NotAnon;
                return null;
            }
            if (Volatile.Read(ref vma.AnonVma) is null)
            {
                abort = SpfAbort.NoAnonVma;
                return null;
            }
            if (VmaStartRead(vma) is { } notLocked)
            {
                abort = notLocked;
                return null;
            }
            vma.CheckLive();
            if (addr < vma.VmStart || addr >= vma.VmEnd)
            {
                vma.VmLock.UpRead();
                abort = SpfAbort.NoVma;
                return null;
            }
            if (vma.Detached)
            {
                vma.VmLock.UpRead();
                abort = SpfAbort.Detached;
                return null;
            }
            abort = default;
            return vma;
        }
        finally
        {
            Rcu.ReadUnlock();
        }
    }

    /// <summary>
    /// The per-VMA-lock half of 6.4's do_user_addr_fault: null when handled under the VMA
    /// lock, else why it fell back to mmap_sem.
    /// </summary>
    private SpfAbort? HandleVmaLockedFault(ulong addr, FaultFlags flags)
    {
        var vma = LockVmaUnderRcu(addr, out var abort);
        if (vma is null)
            return abort;
        if (AccessError(vma.VmFlags, flags))
        {
            EndRead(vma);
            return SpfAbort.Access;
        }
        vma.CheckLive();
        // The page's place in the VMA (linear_page_index) is vm_start and vm_pgoff as read
        // here: nobody may move them under the VMA's lock until the page is in.
        var start = Volatile.Read(ref vma.VmStart);
        var pgoff = Volatile.Read(ref vma.VmPgoff);
        var pte = PteAlloc(addr);
        // The page goes under vma.AnonVma, where rmap finds it only if the VMA's chain is
        // linked: a VMA must be write-locked before a merge imports its anon_vma (6.4's
        // dup_anon_vma, fixed by "mm: lock VMA in dup_anon_vma() before setting ->anon_vma").
        Bug.Warn(!Volatile.Read(ref vma.AnonVmaChainLinked),
            $"VMA id {vma.Id} faulted under its lock with anon_vma {Volatile.Read(ref vma.AnonVma)?.Id ?? 0} it does not link yet: set without vma_start_write");
        FaultInstall(pte, vma, addr, flags);
        var moved = Volatile.Read(ref vma.VmStart);
        Bug.Warn(moved != start || Volatile.Read(ref vma.VmPgoff) != pgoff,
            $"VMA id {vma.Id} moved from {start:x} to {moved:x} under a fault holding its lock: expanded without vma_start_write");
        EndRead(vma);
        return null;
    }

    /// <summary>vma_end_read: the reader's vm_lock, or (6.15) its vm_refcnt count.</summary>
    private void EndRead(VmAreaStruct vma)
    {
        if (VmaRefcnt)
            VmaEndRead(vma);
        else
            vma.VmLock.UpRead();
    }
}
