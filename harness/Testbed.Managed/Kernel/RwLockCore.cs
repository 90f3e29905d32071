// SPDX-License-Identifier: GPL-2.0-only
// The reader/writer word shared by RwLock (rwlock_t) and RwSemaphore (rw_semaphore).
// Writer-preferring: a waiting writer stops new readers, so munmap is not starved by
// a stream of speculative faults.

using System.Runtime.CompilerServices;

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

    /// <summary>Whether anyone holds it (for assertions only).</summary>
    public bool IsLocked => Volatile.Read(ref state) != 0;
}
