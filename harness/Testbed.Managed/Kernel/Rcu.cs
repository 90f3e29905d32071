// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of native/kernel/rcupdate.c (liburcu's urcu-memb): read-side
// sections, grace periods and call_rcu's callbacks, modelled explicitly. The garbage collector would keep a
// reachable VMA alive anyway; the point is the same semantics as the C library, so that a
// VMA freed before the sections that could still see it ended is the same violation in
// both backends (the VMA is marked freed, and the reader's CheckLive reports it).
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>RCU: one domain for the process, as liburcu's.</summary>
internal static class Rcu
{
    /// <summary>One thread's reader state, registered on its first read-side section.</summary>
    private sealed class Reader
    {
        /// <summary>The grace-period counter when the outermost section began.</summary>
        public long Start;

        /// <summary>Inside a read-side section.</summary>
        public volatile bool Active;

        /// <summary>Nesting depth (only this thread touches it).</summary>
        public int Nesting;
    }

    private static readonly Lock RegistryLock = new();
    private static readonly List<WeakReference<Reader>> Registry = [];
    private static long gpSeq;

    /// <summary>What a grace-period wait reports itself blocked on under a controlled scheduler.</summary>
    private static readonly object GracePeriod = new();

    [ThreadStatic]
    private static Reader? current;

    /// <summary>A call_rcu callback and the grace period it waits for.</summary>
    private readonly record struct Callback(long Target, Action Run);

    private static readonly Lock CallbackLock = new();
    private static readonly Queue<Callback> Callbacks = new();
    private static int queued;

    private static Reader Register()
    {
        var reader = new Reader();
        lock (RegistryLock)
        {
            Registry.RemoveAll(w => !w.TryGetTarget(out _));
            Registry.Add(new WeakReference<Reader>(reader));
        }
        current = reader;
        return reader;
    }

    /// <summary>rcu_read_lock: begins (or nests) a read-side section.</summary>
    public static void ReadLock()
    {
        var reader = current ?? Register();
        if (reader.Nesting++ > 0)
            return;
        reader.Start = Volatile.Read(ref gpSeq);
        reader.Active = true;
        // The section is visible before anything it reads: a grace period either sees it
        // active or began before, and then we see what its writer removed.
        Interlocked.MemoryBarrier();
    }

    /// <summary>rcu_read_unlock.</summary>
    public static void ReadUnlock()
    {
        var reader = current;
        if (Bug.Warn(reader is null || reader.Nesting <= 0, "rcu_read_unlock without rcu_read_lock"))
            return;
        if (--reader!.Nesting != 0)
            return;
        reader.Active = false;
        RunReadyCallbacks();
    }

    /// <summary>rcu_read_lock_held: this thread is inside a read-side section.</summary>
    public static bool ReadLockHeld => current is { Nesting: > 0 };

    /// <summary>
    /// synchronize_rcu: waits until every read-side section that began before it has ended
    /// (sections that begin later are not waited for); under a controlled scheduler
    /// (<see cref="SchedHook.Controlled"/>) the wait reports <see cref="SchedPoint.Blocked"/>
    /// between checks instead of spinning (native rcupdate.c does the same).
    /// </summary>
    public static void Synchronize()
    {
        Bug.Warn(ReadLockHeld, "synchronize_rcu inside a read-side section");
        SchedHook.Sched(SchedPoint.RcuSync, null);
        var target = Interlocked.Increment(ref gpSeq);
        Reader[] readers;
        lock (RegistryLock)
            readers = Registry.Select(w => w.TryGetTarget(out var r) ? r : null).OfType<Reader>().ToArray();
        foreach (var reader in readers)
        {
            var spin = new SpinWait();
            while (reader.Active && Volatile.Read(ref reader.Start) < target && reader != current)
            {
                // A controlled scheduler runs one thread at a time: spinning here would
                // wait on a reader it parked. Report the wait instead, as the locks do.
                if (SchedHook.Controlled)
                    SchedHook.Sched(SchedPoint.Blocked, GracePeriod);
                else
                    spin.SpinOnce();
            }
        }
    }

    /// <summary>
    /// call_rcu: queues <paramref name="callback"/> to run once every read-side section
    /// that began before has ended. Never waits. liburcu runs it on its call_rcu thread;
    /// the model has no thread of its own, so the queue is drained, in order, by whoever
    /// passes a point where a grace period may have ended: this call, the end of an
    /// outermost read-side section, a thread waiting for callbacks (<see cref="RunReadyCallbacks"/>). Which thread runs a callback
    /// differs from native; that it runs only after the grace period does not.
    /// </summary>
    public static void CallRcu(Action callback)
    {
        lock (CallbackLock)
        {
            // The target is taken in queue order, so the queue's targets only grow.
            Callbacks.Enqueue(new Callback(Interlocked.Increment(ref gpSeq), callback));
            Interlocked.Increment(ref queued);
        }
        RunReadyCallbacks();
    }

    /// <summary>
    /// Runs, in queue order, the callbacks whose grace period has ended (what a thread
    /// waiting for callbacks calls between checks).
    /// </summary>
    public static void RunReadyCallbacks()
    {
        if (Volatile.Read(ref queued) == 0)
            return;
        List<Action>? ready = null;
        lock (CallbackLock)
        {
            // A later target waits for no fewer readers: stop at the first not ready.
            while (Callbacks.TryPeek(out var next) && !ReaderBefore(next.Target))
                (ready ??= []).Add(Callbacks.Dequeue().Run);
        }
        if (ready is null)
            return;
        foreach (var run in ready)
        {
            run();
            Interlocked.Decrement(ref queued);
        }
    }

    /// <summary>Some thread is inside a section that began before grace period <paramref name="target"/>.</summary>
    private static bool ReaderBefore(long target)
    {
        Interlocked.MemoryBarrier();
        lock (RegistryLock)
        {
            foreach (var weak in Registry)
            {
                if (weak.TryGetTarget(out var reader) && reader.Active && Volatile.Read(ref reader.Start) < target)
                    return true;
            }
        }
        return false;
    }
}
