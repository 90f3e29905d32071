// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rwlock.h: rwlock_t (read_lock/read_unlock/write_lock/write_unlock).
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>rwlock_t: a spinning reader/writer lock with lockdep and the scheduling hook.</summary>
internal sealed class RwLock(LockRank rank)
{
    private readonly RwLockCore core = new();

    /// <summary>read_lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadLock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: false);
        if (SchedHook.Controlled)
        {
            while (!core.TryEnterRead())
                SchedHook.Sched(SchedPoint.Blocked, this);
        }
        else
        {
            core.EnterRead();
        }
    }

    /// <summary>read_unlock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadUnlock()
    {
        core.ExitRead();
        Lockdep.Release(this);
        SchedHook.Sched(SchedPoint.Unlock, this);
    }

    /// <summary>write_lock.</summary>
    public void WriteLock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: true);
        if (SchedHook.Controlled)
        {
            while (!core.TryEnterWrite())
                SchedHook.Sched(SchedPoint.Blocked, this);
        }
        else
        {
            core.EnterWrite();
        }
    }

    /// <summary>write_unlock.</summary>
    public void WriteUnlock()
    {
        core.ExitWrite();
        Lockdep.Release(this);
        SchedHook.Sched(SchedPoint.Unlock, this);
    }
}
