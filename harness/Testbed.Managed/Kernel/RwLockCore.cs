// SPDX-License-Identifier: GPL-2.0-only
// The reader/writer word of RwLock (rwlock_t). Writer-preferring: a waiting writer stops
// new readers, as the C side's pthread rwlock (PREFER_WRITER_NONRECURSIVE) and 4.16's qrwlock.

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

    /// <summary>
    /// The lock side of read_lock/write_lock on <paramref name="owner"/>: the scheduling point,
    /// lockdep (at the caller's site), then the word. Under the controlled scheduler a blocked
    /// attempt parks at a Blocked point instead of spinning, so the lock's holder gets to run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lock(object owner, LockRank rank, bool write, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        SchedHook.Sched(SchedPoint.Lock, owner);
        Lockdep.Acquire(owner, rank, write, site, line);
        if (SchedHook.Controlled)
        {
            if (write ? TryEnterWrite() : TryEnterRead())
                return;
            // A writer that must wait marks itself waiting, so that readers coming after it
            // queue behind it: 4.16's queued rwlock_t (qrwlock: a waiting writer sets
            // _QW_WAITING, and a reader outside interrupt context then waits), as
            // native/kernel/locks.c.
            if (write)
                Interlocked.Increment(ref writersWaiting);
            do
                SchedHook.Sched(SchedPoint.Blocked, owner);
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
