// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/spinlock.h: spinlock_t (spin_lock/spin_trylock/spin_unlock).
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>spinlock_t: used for the page_table_lock.</summary>
internal sealed class SpinLockT(LockRank rank)
{
    private int locked;

    // Threads waiting for the lock with interrupts off (IrqFlags): a holder that waits for
    // every CPU to answer an IPI must find none.
    private int irqsOffWaiters;

    /// <summary>spin_lock.</summary>
    public void Lock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: true);
        if (Interlocked.CompareExchange(ref locked, 1, 0) == 0)
            return;
        var irqsOff = IrqFlags.Disabled;
        if (irqsOff)
            Interlocked.Increment(ref irqsOffWaiters);
        if (SchedHook.Controlled)
        {
            while (Interlocked.CompareExchange(ref locked, 1, 0) != 0)
                SchedHook.Sched(SchedPoint.Blocked, this);
        }
        else
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref locked) != 0 || Interlocked.CompareExchange(ref locked, 1, 0) != 0)
                spin.SpinOnce();
        }
        if (irqsOff)
            Interlocked.Decrement(ref irqsOffWaiters);
    }

    /// <summary>
    /// spin_check_ipi_wait: the holder is about to wait for every CPU of the mm to answer an
    /// IPI; a thread waiting for this lock with interrupts off never will (a violation).
    /// </summary>
    public void CheckIpiWait([CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        var n = Volatile.Read(ref irqsOffWaiters);
        if (ManagedFlavour.Checked && n > 0)
            Bug.Record(site, line, $"the page-table lock's holder waits for every CPU to answer an IPI while {n} wait(s) for it with interrupts off: deadlock");
    }

    /// <summary>spin_trylock: true with the lock held, false when someone else holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        if (Interlocked.CompareExchange(ref locked, 1, 0) != 0)
            return false;
        Lockdep.Acquire(this, rank, write: true);
        return true;
    }

    /// <summary>spin_unlock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlock()
    {
        Volatile.Write(ref locked, 0);
        Lockdep.Release(this);
        SchedHook.Sched(SchedPoint.Unlock, this);
    }
}
