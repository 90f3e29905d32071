// SPDX-License-Identifier: GPL-2.0-only
// The reader/writer word shared by RwLock (rwlock_t) and RwSemaphore (rw_semaphore).
// Writer-preferring: a waiting writer stops new readers, so munmap is not starved by
// a stream of speculative faults.

using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>A spinning reader/writer lock word: readers count up, a writer owns bit 30.</summary>
internal sealed class RwLockCore
{
    private const int Writer = 1 << 30;

    private int state;
    private int writersWaiting;

    /// <summary>Takes the lock shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnterRead()
    {
        if (!TryEnterRead())
            EnterReadSlow();
    }

    // The waiting loop, out of line so that the uncontended EnterRead inlines.
    private void EnterReadSlow()
    {
        var spin = default(SpinWait);
        do
            spin.SpinOnce();
        while (!TryEnterRead());
    }

    /// <summary>One attempt to take the lock shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnterRead()
    {
        var s = Volatile.Read(ref state);
        if ((s & Writer) != 0 || Volatile.Read(ref writersWaiting) != 0)
            return false;
        return Interlocked.CompareExchange(ref state, s + 1, s) == s;
    }

    /// <summary>Drops a shared hold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ExitRead() => Interlocked.Decrement(ref state);

    /// <summary>Takes the lock exclusive.</summary>
    public void EnterWrite()
    {
        if (Interlocked.CompareExchange(ref state, Writer, 0) == 0)
            return;
        Interlocked.Increment(ref writersWaiting);
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref state, Writer, 0) != 0)
            spin.SpinOnce();
        Interlocked.Decrement(ref writersWaiting);
    }

    /// <summary>One attempt to take the lock exclusive (no writer-waiting mark).</summary>
    public bool TryEnterWrite() => Interlocked.CompareExchange(ref state, Writer, 0) == 0;

    /// <summary>Drops the exclusive hold.</summary>
    public void ExitWrite() => Interlocked.Exchange(ref state, 0);

    /// <summary>Turns an exclusive hold into a shared one without a window.</summary>
    public void Downgrade() => Interlocked.Exchange(ref state, 1);

    /// <summary>
    /// The lock side of read_lock/write_lock and down_read/down_write on <paramref name="owner"/>:
    /// the scheduling point, lockdep (at the caller's site), then the word. Under the controlled
    /// scheduler a blocked attempt parks at a Blocked point instead of spinning, so the lock's
    /// holder gets to run.
    /// </summary>
    /// <param name="semaphore">
    /// rw_semaphore, not rwlock_t: a blocked try reports what 4.16's rwsem would do
    /// (<see cref="WaitPoint"/>); rwlock_t's waiters spin. Either way a writer that must wait
    /// marks itself waiting under the controlled scheduler too, so that readers coming after
    /// it queue behind it: 4.16's rwsem and its queued rwlock_t (qrwlock: a waiting writer
    /// sets _QW_WAITING, and a reader outside interrupt context then waits) alike, as
    /// native/kernel/locks.c.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lock(object owner, LockRank rank, bool write, bool semaphore = false, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        SchedHook.Sched(SchedPoint.Lock, owner);
        Lockdep.Acquire(owner, rank, write, site, line);
        if (SchedHook.Controlled)
        {
            if (write ? TryEnterWrite() : TryEnterRead())
                return;
            if (write)
                Interlocked.Increment(ref writersWaiting);
            do
                SchedHook.Sched(semaphore ? WaitPoint(write) : SchedPoint.Blocked, owner);
            while (!(write ? TryEnterWrite() : TryEnterRead()));
            if (write)
                Interlocked.Decrement(ref writersWaiting);
        }
        else if (write)
        {
            EnterWrite();
        }
        else
        {
            EnterRead();
        }
    }

    // A blocked try on an rw_semaphore (native/kernel/locks.c alike): a reader found a writer
    // holding or queued (4.16: it sleeps); a writer found readers (it sleeps) or a writer
    // (it spins on the running owner).
    private SchedPoint WaitPoint(bool write) =>
        !write ? SchedPoint.SemWaitRead
        : (Volatile.Read(ref state) & Writer) != 0 ? SchedPoint.SemWaitWriteOnWriter
        : SchedPoint.SemWaitWrite;

    /// <summary>The unlock side: the word, lockdep (at the caller's site), then the scheduling point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlock(object owner, bool write, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (write)
            ExitWrite();
        else
            ExitRead();
        Lockdep.Release(owner, site, line);
        SchedHook.Sched(SchedPoint.Unlock, owner);
    }

    /// <summary>Whether anyone holds it (for assertions only).</summary>
    public bool IsLocked => Volatile.Read(ref state) != 0;
}
