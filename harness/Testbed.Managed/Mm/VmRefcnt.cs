// SPDX-License-Identifier: GPL-2.0-only
// Port of native/mm's CONFIG_VMA_REFCNT parts (Linux 6.15, "replace vm_lock and detached
// flag with a reference count"): vm_refcnt with VMA_LOCK_OFFSET on the writer side
// (vma_start_write, vma_mark_attached, vma_mark_detached), the limited increment of
// vma_start_read and lock_vma_under_rcu's re-checks on the reader side, for a VMA cache
// that is typesafe by RCU (TypesafeCache).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>VMA_LOCK_OFFSET: the writer's flag in vm_refcnt.</summary>
    public const int VmaLockOffset = 0x40000000;

    /// <summary>VMA_REF_LIMIT: a reader's increment stops below the writer's flag.</summary>
    private const int VmaRefLimit = VmaLockOffset - 1;

    /// <summary>
    /// __vma_enter_locked: add the writer's flag unless the VMA is detached (false: nothing to
    /// exclude), then wait for the readers already in to leave.
    /// </summary>
    private bool VmaEnterLocked(VmAreaStruct vma, bool detaching)
    {
        var target = VmaLockOffset + (detaching ? 0 : 1);
        SchedHook.Sched(SchedPoint.Atomic, vma);
        var c = Volatile.Read(ref vma.VmRefcnt);
        while (true)
        {
            if (c == 0)
                return false;
            var seen = Interlocked.CompareExchange(ref vma.VmRefcnt, c + VmaLockOffset, c);
            if (seen == c)
                break;
            c = seen;
        }
        if (Options.TestOnlyMutant != ManagedMutant.VmRefcntWriterNoWait)
            VmaWaitReaders(vma, target);
        return true;
    }

    /// <summary>
    /// The writer's wait for readers to drain (6.15: rcuwait on mm->vma_writer_wait; the
    /// model polls, reporting Blocked to a controlled scheduler so it runs the readers).
    /// </summary>
    private static void VmaWaitReaders(VmAreaStruct vma, int target)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref vma.VmRefcnt) != target)
        {
            if (SchedHook.Controlled)
                SchedHook.Sched(SchedPoint.Blocked, vma);
            else
                spin.SpinOnce();
        }
    }

    /// <summary>__vma_exit_locked: drop the flag; true when the count reached 0.</summary>
    private static bool VmaExitLocked(VmAreaStruct vma)
    {
        SchedHook.Sched(SchedPoint.Atomic, vma);
        return Interlocked.Add(ref vma.VmRefcnt, -VmaLockOffset) == 0;
    }

    /// <summary>vma_start_write on vm_refcnt: the flag in, the readers out, the mark set.</summary>
    private void VmaStartWriteRefcnt(VmAreaStruct vma, int seq)
    {
        var locked = VmaEnterLocked(vma, detaching: false);
        Volatile.Write(ref vma.VmLockSeq, seq);
        if (locked && VmaExitLocked(vma))
            Bug.Warn(true, $"vma_start_write: VMA {vma.Id} detached under us");
    }

    /// <summary>vma_mark_attached: write-locked, then the tree's reference (0 -> 1).</summary>
    private void VmaMarkAttached(VmAreaStruct vma)
    {
        VmaStartWrite(vma);
        var refcnt = Volatile.Read(ref vma.VmRefcnt);
        Bug.Warn(refcnt != 0, $"vma_mark_attached: VMA {vma.Id} has vm_refcnt {refcnt}");
        Volatile.Write(ref vma.VmRefcnt, 1);
    }

    /// <summary>
    /// vma_mark_detached on vm_refcnt: drop the tree's reference; readers still in are
    /// waited for, so a detached VMA may be freed, and reused, at once.
    /// </summary>
    private void VmaMarkDetachedRefcnt(VmAreaStruct vma)
    {
        Bug.Warn(vma.VmLockSeq != MmLockSeq, $"vma_mark_detached: VMA {vma.Id} is not write-locked");
        SchedHook.Sched(SchedPoint.Atomic, vma);
        if (Interlocked.Decrement(ref vma.VmRefcnt) == 0)
            return;
        if (VmaEnterLocked(vma, detaching: true) && !VmaExitLocked(vma))
            Bug.Warn(true, $"vma_mark_detached: VMA {vma.Id} still counted");
    }

    /// <summary>vma_refcount_put: a reader's count dropped.</summary>
    private static void VmaEndRead(VmAreaStruct vma)
    {
        SchedHook.Sched(SchedPoint.Atomic, vma);
        Interlocked.Decrement(ref vma.VmRefcnt);
    }

    /// <summary>
    /// vma_start_read (6.15) on a VMA that may be free or another mm's since the walk: the
    /// sequence check against this mm, the limited increment (fails on 0 and on a writer's
    /// flag), then the VMA's mm and the sequence again. Null with the count taken, or why not.
    /// </summary>
    private SpfAbort? VmaStartReadRefcnt(VmAreaStruct vma)
    {
        var c = Volatile.Read(ref vma.VmRefcnt);
        if (Volatile.Read(ref vma.VmLockSeq) == Volatile.Read(ref MmLockSeq))
            return SpfAbort.SeqOdd;
        SchedHook.Sched(SchedPoint.Atomic, vma);
        while (true)
        {
            if (c == 0)
                return SpfAbort.Detached;
            if (c >= VmaRefLimit)
                return SpfAbort.SeqOdd;
            var seen = Interlocked.CompareExchange(ref vma.VmRefcnt, c + 1, c);
            if (seen == c)
                break;
            c = seen;
        }
        if (Options.TestOnlyMutant != ManagedMutant.VmRefcntNoMmRecheck && !ReferenceEquals(Volatile.Read(ref vma.VmMm), this))
        {
            VmaEndRead(vma);
            return SpfAbort.NoVma;
        }
        if (Volatile.Read(ref vma.VmLockSeq) == Volatile.Read(ref MmLockSeq))
        {
            VmaEndRead(vma);
            return SpfAbort.SeqChanged;
        }
        return null;
    }

    /// <summary>
    /// lock_vma_under_rcu (6.15): nothing of the VMA found is read before the count but
    /// vm_lock_seq and vm_refcnt; once counted, the range is checked again (the VMA may
    /// have been reused for another mapping), then the anonymous-only rules of the model.
    /// </summary>
    private VmAreaStruct? LockVmaUnderRcuRefcnt(ulong addr, out SpfAbort abort)
    {
        Rcu.ReadLock();
        try
        {
            // mas_walk of mm_mt under RCU alone: only a VMA covering addr.
            var vma = MmMt.Walk(addr);
            if (vma is null)
            {
                abort = SpfAbort.NoVma;
                return null;
            }
            if (VmaStartReadRefcnt(vma) is { } notLocked)
            {
                abort = notLocked;
                return null;
            }
            var outside = Options.TestOnlyMutant != ManagedMutant.VmRefcntNoRangeRecheck && (addr < vma.VmStart || addr >= vma.VmEnd);
            SpfAbort? why = outside ? SpfAbort.NoVma
                : vma.VmFile is not null ? SpfAbort.NotAnon
                : Volatile.Read(ref vma.AnonVma) is null ? SpfAbort.NoAnonVma
                : null;
            abort = why.GetValueOrDefault();
            if (why is null)
                return vma;
            VmaEndRead(vma);
            return null;
        }
        finally
        {
            Rcu.ReadUnlock();
        }
    }
}
