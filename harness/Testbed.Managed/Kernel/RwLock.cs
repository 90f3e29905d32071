// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rwlock.h: rwlock_t (read_lock/read_unlock/write_lock/write_unlock).
using System.Runtime.CompilerServices;

namespace Testbed.Managed.Kernel;

/// <summary>rwlock_t: a spinning reader/writer lock with lockdep and the scheduling hook.</summary>
internal sealed class RwLock(LockRank rank)
{
    private readonly RwLockCore core = new();

    /// <summary>read_lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadLock() => core.Lock(this, rank, write: false);

    /// <summary>read_unlock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadUnlock() => core.Unlock(this, write: false);

    /// <summary>write_lock.</summary>
    public void WriteLock() => core.Lock(this, rank, write: true);

    /// <summary>write_unlock.</summary>
    public void WriteUnlock() => core.Unlock(this, write: true);
}
