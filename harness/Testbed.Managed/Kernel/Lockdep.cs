// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/lockdep.h: a per-thread list of held locks, held-for-read/write
// assertions and the rank rule mmap_sem < nommu_region_sem < mm_rb_lock < page_table_lock.
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>Lock classes, in the order they may be nested (outermost first): <see cref="LockClass"/>'s values.</summary>
internal enum LockRank
{
    MmapSem = (int)LockClass.MmapSem,
    NommuRegionSem = (int)LockClass.NommuRegionSem,
    MmRbLock = (int)LockClass.MmRbLock,
    VmaLock = (int)LockClass.VmaLock,
    PageTableLock = (int)LockClass.PageTableLock,
}

/// <summary>Lockdep-lite: records a violation for a rank inversion or a failed assertion.</summary>
internal static class Lockdep
{
    private const int MaxHeld = 16;

    [ThreadStatic]
    private static object?[]? heldLocks;

    [ThreadStatic]
    private static bool[]? heldWrite;

    [ThreadStatic]
    private static LockRank[]? heldRanks;

    [ThreadStatic]
    private static int depth;

    /// <summary>Called before a lock is taken: checks that no higher-ranked lock is held.</summary>
    /// <remarks>
    /// Inlined into every lock operation: in the perf flavour the test folds to nothing, with no
    /// call left behind (the checking bodies are too large for the JIT to inline on its own).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Acquire(object lockObj, LockRank rank, bool write, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (ManagedFlavour.Checked)
            AcquireChecked(lockObj, rank, write, site, line);
    }

    private static void AcquireChecked(object lockObj, LockRank rank, bool write, string site, int line)
    {
        var locks = heldLocks ??= new object?[MaxHeld];
        var ranks = heldRanks ??= new LockRank[MaxHeld];
        var writes = heldWrite ??= new bool[MaxHeld];
        for (var i = 0; i < depth; i++)
        {
            if (ranks[i] > rank)
                Bug.Record(site, line, $"lockdep: taking {rank} while holding {ranks[i]}");
            else if (ReferenceEquals(locks[i], lockObj))
                Bug.Record(site, line, $"lockdep: recursive acquire of {rank}");
        }
        if (depth == MaxHeld)
        {
            Bug.Record(site, line, "lockdep: too many held locks");
            return;
        }
        locks[depth] = lockObj;
        ranks[depth] = rank;
        writes[depth] = write;
        depth++;
        TraceLock(EventType.LockAcquire, rank, write);
    }

    /// <summary>trace_lock: the order trace sees every ranked lock (its rank is its lock class).</summary>
    private static void TraceLock(EventType type, LockRank rank, bool write) =>
        Trace.Event(type, (ulong)rank, write ? 0 : 1);

    /// <summary>Called when a lock is released.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Release(object lockObj, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (ManagedFlavour.Checked)
            ReleaseChecked(lockObj, site, line);
    }

    private static void ReleaseChecked(object lockObj, string site, int line)
    {
        var locks = heldLocks;
        for (var i = depth - 1; locks is not null && i >= 0; i--)
        {
            if (!ReferenceEquals(locks[i], lockObj))
                continue;
            TraceLock(EventType.LockRelease, heldRanks![i], heldWrite![i]);
            for (var j = i; j < depth - 1; j++)
            {
                locks[j] = locks[j + 1];
                heldRanks![j] = heldRanks[j + 1];
                heldWrite![j] = heldWrite[j + 1];
            }
            depth--;
            locks[depth] = null;
            return;
        }
        Bug.Record(site, line, "lockdep: releasing a lock that is not held");
    }

    /// <summary>lock_downgrade: the held entry becomes a read one, in place and untraced (native's).</summary>
    public static void Downgrade(object lockObj)
    {
        if (!ManagedFlavour.Checked)
            return;
        var locks = heldLocks;
        for (var i = 0; locks is not null && i < depth; i++)
        {
            if (ReferenceEquals(locks[i], lockObj))
                heldWrite![i] = false;
        }
    }

    /// <summary>0 = not held, 1 = held for read, 2 = held for write.</summary>
    private static int HeldMode(object lockObj)
    {
        var locks = heldLocks;
        for (var i = 0; locks is not null && i < depth; i++)
        {
            if (ReferenceEquals(locks[i], lockObj))
                return heldWrite![i] ? 2 : 1;
        }
        return 0;
    }

    /// <summary>lockdep_assert_held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AssertHeld(object lockObj, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (!ManagedFlavour.Checked)
            return;
        if (HeldMode(lockObj) == 0)
            Bug.Record(site, line, "lockdep_assert_held failed");
    }

    /// <summary>lockdep_assert_held_write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AssertHeldWrite(object lockObj, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (!ManagedFlavour.Checked)
            return;
        if (HeldMode(lockObj) != 2)
            Bug.Record(site, line, "lockdep_assert_held_write failed");
    }

    /// <summary>lockdep_assert_held_read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AssertHeldRead(object lockObj, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (!ManagedFlavour.Checked)
            return;
        if (HeldMode(lockObj) != 1)
            Bug.Record(site, line, "lockdep_assert_held_read failed");
    }
}
