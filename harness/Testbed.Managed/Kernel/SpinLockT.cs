// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/spinlock.h: spinlock_t (spin_lock/spin_trylock/spin_unlock).
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>spinlock_t: used for the page_table_lock.</summary>
internal sealed class SpinLockT(LockRank rank)
{
    private int locked;

    /// <summary>spin_lock.</summary>
    public void Lock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: true);
        if (Interlocked.CompareExchange(ref locked, 1, 0) == 0)
            return;
        if (SchedHook.Controlled)
        {
            while (Interlocked.CompareExchange(ref locked, 1, 0) != 0)
                SchedHook.Sched(SchedPoint.Blocked, this);
            return;
        }
        var spin = default(SpinWait);
        while (Volatile.Read(ref locked) != 0 || Interlocked.CompareExchange(ref locked, 1, 0) != 0)
            spin.SpinOnce();
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
