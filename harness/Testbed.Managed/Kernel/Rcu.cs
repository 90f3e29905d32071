// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of native/kernel/rcupdate.c (liburcu's urcu-memb): read-side
// sections and grace periods, modelled explicitly. The garbage collector would keep a
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
        if (--reader!.Nesting == 0)
            reader.Active = false;
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
}
