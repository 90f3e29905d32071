// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rwsem.h and the rw_semaphore of native/kernel/locks.c: struct
// rw_semaphore (down_read/up_read/down_write/up_write/down_read_trylock/down_write_trylock/
// downgrade_write). Two wait paths, as there: under a controlled scheduler 4.16's
// kernel/locking/rwsem-xadd.c rule by rule (a FIFO wait list, head grants, woken-not-granted
// writers, optimistic spinning, one wake-up after another); without one the waiters spin,
// then yield and sleep (SpinWait), writer-preferring, which stands in for the condvar path.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>
/// rw_semaphore: the mmap_sem. With <paramref name="lines"/> (mmap_sem in its mm_struct), its
/// plain accesses to the owner, the wait lock, the spinners' queue and the wait list's head are
/// reported through <see cref="LineAccess"/> on the lines its container puts them on; its count's
/// line is the one its points name.
/// </summary>
internal sealed class RwSemaphore(LockRank rank, RwSemLines? lines = null)
{
    private const int WriterHeld = -1;

    // 4.16's wake types: who MarkWake may wake.
    private enum WakeType
    {
        Any,        // a head writer or the head readers
        Readers,    // the head readers only
        ReadOwned,  // the head readers; the caller holds it for read
    }

    // Who holds it, for the spinners (4.16's sem->owner); Readers sticks after they leave.
    private enum Owner
    {
        None,
        Writer,
        Readers,
    }

    private readonly Lock waitLock = new();
    private int count;              // readers, 0, or WriterHeld
    private int writersWaiting;     // the spinning path: writers waiting
    private int owner;              // Owner
    private int spinners;           // the queued path: writers spinning
    private RwSemWaiter? head;      // the queued path: FIFO, under waitLock
    private RwSemWaiter? tail;

    /// <summary>down_read.</summary>
    public void DownRead()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: false);
        if (TryRead())
            return;
        if (SchedHook.Controlled)
        {
            DownReadQueued();
            return;
        }
        var spin = default(SpinWait);
        do
            spin.SpinOnce();
        while (!TryRead());
    }

    /// <summary>down_read_trylock: true when taken.</summary>
    public bool DownReadTrylock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        if (!TryRead())
            return false;
        Lockdep.Acquire(this, rank, write: false);
        return true;
    }

    /// <summary>up_read.</summary>
    public void UpRead()
    {
        Lockdep.Release(this);
        var c = Volatile.Read(ref count);
        while (true)
        {
            if (Bug.Warn(c <= 0, $"up_read with count {c}"))
                return;
            var seen = Interlocked.CompareExchange(ref count, c - 1, c);
            if (seen == c)
                break;
            c = seen;
        }
        // The last reader lets a waiting writer in.
        Released(wake: c == 1);
    }

    /// <summary>down_write.</summary>
    public void DownWrite()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        Lockdep.Acquire(this, rank, write: true);
        if (TryWriteFast())
            return;
        if (SchedHook.Controlled)
        {
            if (!OptimisticSpin())
                DownWriteQueued();
            return;
        }
        Interlocked.Increment(ref writersWaiting);
        var spin = default(SpinWait);
        while (!TryWrite())
            spin.SpinOnce();
        Interlocked.Decrement(ref writersWaiting);
    }

    /// <summary>down_write_trylock: true when taken.</summary>
    public bool DownWriteTrylock()
    {
        SchedHook.Sched(SchedPoint.Lock, this);
        if (!TryWriteFast())
            return false;
        Lockdep.Acquire(this, rank, write: true);
        return true;
    }

    /// <summary>up_write.</summary>
    public void UpWrite()
    {
        Lockdep.Release(this);
        // 4.16 clears the owner first: a spinner then polls the count.
        Volatile.Write(ref owner, (int)Owner.None);
        Wrote(lines?.Wait);
        var c = Interlocked.CompareExchange(ref count, 0, WriterHeld);
        if (Bug.Warn(c != WriterHeld, $"up_write not write-locked (count {c})"))
            return;
        Released(wake: true);
    }

    /// <summary>downgrade_write: keep holding, now shared; the readers at the head of the queue join.</summary>
    public void DowngradeWrite()
    {
        Lockdep.AssertHeldWrite(this);
        Lockdep.Downgrade(this);
        var c = Interlocked.CompareExchange(ref count, 1, WriterHeld);
        if (Bug.Warn(c != WriterHeld, $"downgrade_write not write-locked (count {c})"))
        {
            SchedHook.Sched(SchedPoint.Unlock, this);
            return;
        }
        Volatile.Write(ref owner, (int)Owner.Readers);
        Wrote(lines?.Wait);
        // The spinners see the reader owner and stop, then the wake (native/kernel/locks.c alike).
        SchedHook.Sched(SchedPoint.Unlock, this);
        if (SchedHook.Controlled && Queued)
        {
            var q = new List<RwSemWaiter>();
            lock (waitLock)
            {
                Wrote(lines?.Wait);
                if (head is not null)
                    MarkWake(WakeType.ReadOwned, q);
            }
            WakeUp(q, null);
        }
    }

    /// <summary>Whether anyone holds it (for assertions only).</summary>
    public bool IsLocked => Volatile.Read(ref count) != 0;

    private bool Queued => Volatile.Read(ref head) is not null;

    // 4.16's rwsem_set_reader_owned: read, and only written when it changes.
    private void SetReaderOwned()
    {
        Read(lines?.Wait);
        if (Volatile.Read(ref owner) != (int)Owner.Readers)
        {
            Volatile.Write(ref owner, (int)Owner.Readers);
            Wrote(lines?.Wait);
        }
    }

    // raw_spin_lock(&sem->wait_lock): a write of its line.
    private void EnterWaitLock()
    {
        waitLock.Enter();
        Wrote(lines?.Wait);
    }

    // A plain access to a field off the count's line, where the container lays it out.
    private static void Read(object? line)
    {
        if (line is not null)
            LineAccess.Read(line);
    }

    private static void Wrote(object? line)
    {
        if (line is not null)
            LineAccess.Write(line);
    }

    // One attempt at a read hold, 4.16's fast path and down_read_trylock: no writer holds it
    // and nobody is queued (the kernel's count is negative then), nor, on the spinning path,
    // waits; count + 1. A failed exchange against another reader retries.
    private bool TryRead()
    {
        var c = Volatile.Read(ref count);
        while (c >= 0 && Volatile.Read(ref writersWaiting) == 0 && !Queued)
        {
            var seen = Interlocked.CompareExchange(ref count, c + 1, c);
            if (seen == c)
            {
                SetReaderOwned();
                return true;
            }
            c = seen;
        }
        return false;
    }

    // count 0 -> writer: nobody holds it (whoever waits).
    private bool TryWrite()
    {
        if (Interlocked.CompareExchange(ref count, WriterHeld, 0) != 0)
            return false;
        Volatile.Write(ref owner, (int)Owner.Writer);
        Wrote(lines?.Wait);
        return true;
    }

    // down_write's fast path and down_write_trylock: 4.16's exchange from an unlocked count,
    // which a queued waiter makes negative.
    private bool TryWriteFast() => !Queued && TryWrite();

    // After a release: under a controlled scheduler the UNLOCK point first, so that a spinner
    // may steal the lock before the waker takes the wait lock, then the wake-ups.
    private void Released(bool wake)
    {
        SchedHook.Sched(SchedPoint.Unlock, this);
        if (wake && SchedHook.Controlled)
            WakeQueued();
    }

    private void Enqueue(RwSemWaiter w)
    {
        w.Next = null;
        w.Prev = tail;
        if (tail is not null)
        {
            tail.Next = w;
        }
        else
        {
            Volatile.Write(ref head, w);
            Wrote(lines?.WaitListHead);
        }
        tail = w;
    }

    private void Dequeue(RwSemWaiter w)
    {
        if (w.Prev is not null)
        {
            w.Prev.Next = w.Next;
        }
        else
        {
            Volatile.Write(ref head, w.Next);
            Wrote(lines?.WaitListHead);
        }
        if (w.Next is not null)
            w.Next.Prev = w.Prev;
        else
            tail = w.Prev;
    }

    // 4.16's wake_up_q: one wake-up after another, each a point of its own. A waiter's own
    // grant (self) needs no wake-up: it is running.
    private static void WakeUp(List<RwSemWaiter> q, RwSemWaiter? self)
    {
        foreach (var w in q)
        {
            if (!ReferenceEquals(w, self))
                SchedHook.Sched(SchedPoint.Wake, w);
        }
    }

    // 4.16's __rwsem_mark_wake (waitLock held, the list not empty): a writer at the head is
    // only woken (Any), not granted. Readers at the head, up to the first queued writer, get
    // the lock here, before they run, unless a writer stole it meanwhile (a spinner).
    private void MarkWake(WakeType type, List<RwSemWaiter> q)
    {
        var w = head!;
        if (w.Writer)
        {
            if (type == WakeType.Any)
            {
                w.Woken = true;
                q.Add(w);
            }
            return;
        }
        var n = 0;
        for (var r = w; r is not null && !r.Writer; r = r.Next)
            n++;
        var c = Volatile.Read(ref count);
        while (true)
        {
            if (c < 0)
                return; // a writer stole it: the readers wait on
            var seen = Interlocked.CompareExchange(ref count, c + n, c);
            if (seen == c)
                break;
            c = seen;
        }
        SetReaderOwned();
        while (n-- > 0)
        {
            w = head!;
            Dequeue(w);
            q.Add(w);
            w.Woken = true;
        }
    }

    // 4.16's rwsem_wake after a release that left waiters: with a spinner present it wakes
    // only if the wait lock is free at once (the spinner will take the lock; its release wakes).
    private void WakeQueued()
    {
        if (!Queued)
            return;
        var q = new List<RwSemWaiter>();
        // rwsem_has_spinner reads the osq, on the wait lock's line.
        Read(lines?.Wait);
        if (Volatile.Read(ref spinners) != 0)
        {
            if (!waitLock.TryEnter())
                return;
        }
        else
        {
            waitLock.Enter();
        }
        Wrote(lines?.Wait);
        try
        {
            if (head is not null)
                MarkWake(WakeType.Any, q);
        }
        finally
        {
            waitLock.Exit();
        }
        WakeUp(q, null);
    }

    // 4.16's rwsem_down_read_failed: queue at the tail; if nobody holds the lock, or only
    // readers do and we are the first in the list, wake (grant) from the head ourselves;
    // then sleep until granted.
    private void DownReadQueued()
    {
        var w = new RwSemWaiter(writer: false);
        var q = new List<RwSemWaiter>();
        lock (waitLock)
        {
            Wrote(lines?.Wait);
            var first = head is null;
            Enqueue(w);
            var c = Volatile.Read(ref count);
            if (c == 0 || (c > 0 && first))
                MarkWake(WakeType.Any, q);
        }
        WakeUp(q, w);
        while (!w.Woken)
            SchedHook.Sched(SchedPoint.SemWaitRead, w);
    }

    // 4.16's rwsem_optimistic_spin: no spinning on a reader owner; while a writer owns it (or
    // nobody does) try to steal it whenever it is free, queued sleepers or not, and wait for
    // its release in between. The kernel's osq lets one spinner at a time try; here the
    // scheduler orders the spinners' retries (the simulation: in the order they began).
    private bool OptimisticSpin()
    {
        Read(lines?.Wait);
        if (Volatile.Read(ref owner) == (int)Owner.Readers)
            return false;
        // osq_lock: the spinners' queue, on the wait lock's line.
        Interlocked.Increment(ref spinners);
        Wrote(lines?.Wait);
        var taken = false;
        while (true)
        {
            if (TryWrite())
            {
                taken = true;
                break;
            }
            if (Volatile.Read(ref owner) == (int)Owner.Readers)
                break;
            SchedHook.Sched(SchedPoint.SemWaitWriteOnWriter, this);
        }
        Interlocked.Decrement(ref spinners);
        Wrote(lines?.Wait);
        return taken;
    }

    // 4.16's rwsem_down_write_failed after the spin: queue at the tail (with sleepers ahead
    // and only readers holding it, let the head readers join them first); then, under the
    // wait lock, take it whenever nobody holds it, else sleep until woken and no holder is
    // left, and try again: a woken writer may find a spinner or a newcomer ahead of it and
    // sleep again.
    private void DownWriteQueued()
    {
        var w = new RwSemWaiter(writer: true);
        var q = new List<RwSemWaiter>();
        EnterWaitLock();
        if (head is not null && Volatile.Read(ref count) > 0)
        {
            Enqueue(w);
            MarkWake(WakeType.Readers, q);
            waitLock.Exit();
            WakeUp(q, null);
            EnterWaitLock();
        }
        else
        {
            Enqueue(w);
        }
        while (!TryWrite())
        {
            waitLock.Exit();
            do
            {
                while (!w.Woken)
                    SchedHook.Sched(SchedPoint.SemWaitWrite, w);
                w.Woken = false;
            }
            while (Volatile.Read(ref count) != 0);
            EnterWaitLock();
        }
        Dequeue(w);
        waitLock.Exit();
    }
}
