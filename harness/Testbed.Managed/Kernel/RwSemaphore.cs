// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rwsem.h: struct rw_semaphore (down_read/up_read/down_write/
// up_write/down_read_trylock/downgrade_write). Waiters spin, then yield and sleep
// (SpinWait), which stands in for the kernel's sleeping wait queue.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>rw_semaphore: the mmap_sem.</summary>
internal sealed class RwSemaphore(LockRank rank)
{
    private readonly RwLockCore core = new();

    /// <summary>down_read.</summary>
    public void DownRead() => core.Lock(this, rank, write: false, semaphore: true);

    /// <summary>down_read_trylock: true when taken.</summary>
    public bool DownReadTrylock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        if (!core.TryEnterRead())
            return false;
        Lockdep.Acquire(this, rank, write: false);
        return true;
    }

    /// <summary>down_write_trylock: true when taken.</summary>
    public bool DownWriteTrylock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        if (!core.TryEnterWrite())
            return false;
        Lockdep.Acquire(this, rank, write: true);
        return true;
    }

    /// <summary>up_read.</summary>
    public void UpRead() => core.Unlock(this, write: false);

    /// <summary>down_write.</summary>
    public void DownWrite() => core.Lock(this, rank, write: true, semaphore: true);

    /// <summary>up_write.</summary>
    public void UpWrite() => core.Unlock(this, write: true);

    /// <summary>downgrade_write: keep holding, now shared.</summary>
    public void DowngradeWrite()
    {
        Lockdep.AssertHeldWrite(this);
        Lockdep.Downgrade(this);
        core.Downgrade();
        SchedHook.Sched(SchedPoint.Unlock, this);
    }
}
