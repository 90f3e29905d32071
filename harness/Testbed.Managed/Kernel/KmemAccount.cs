// SPDX-License-Identifier: GPL-2.0-only
// Port of the per-mm accounting in native/kernel/slab.c: live objects per cache kind,
// successful allocations, the object id counter and the allocation-failure injector.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>
/// The slab accounting and fault injector of a fork family (an mm and every mm forked from
/// it, as native/api's struct tb_family): the leak check runs when the family's last mm goes.
/// </summary>
internal sealed class KmemAccount
{
    /// <summary>The mms of the family still alive.</summary>
    public int Users = 1;

    /// <summary>The mms that ever joined the family (its first included): a validate's window saw no other when this did not move.</summary>
    public long Joins = 1;

    private const int Kinds = 6;

    private readonly long[] live = new long[Kinds];
    private readonly Lock injectorLock = new();
    private long allocations;
    private long injected;
    private long nextId;
    private CacheKind injectCache;
    private ulong injectCountdown;
    private volatile bool injectArmed;

    /// <summary>Objects of <paramref name="kind"/> allocated and not yet freed.</summary>
    public ulong Live(CacheKind kind) => (ulong)Volatile.Read(ref live[(int)kind]);

    /// <summary>Successful allocations, all caches.</summary>
    public ulong Allocations => (ulong)Volatile.Read(ref allocations);

    /// <summary>Allocations failed on purpose.</summary>
    public ulong InjectedFailures => (ulong)Volatile.Read(ref injected);

    /// <summary>tb_inject_alloc_failure: the nth later allocation from the cache fails; 0 disarms.</summary>
    public void Inject(CacheKind cache, ulong nth)
    {
        lock (injectorLock)
        {
            injectCache = cache;
            injectCountdown = nth;
            injectArmed = nth != 0;
        }
    }

    /// <summary>
    /// The accounting half of kmem_cache_alloc: false when the injector fails this
    /// allocation (no id taken, nothing recorded); otherwise the new object's id.
    /// </summary>
    public bool TryAlloc(CacheKind kind, out ulong id)
    {
        if (injectArmed && ShouldFail(kind))
        {
            Interlocked.Increment(ref injected);
            id = 0;
            return false;
        }
        id = (ulong)Interlocked.Increment(ref nextId);
        Interlocked.Increment(ref allocations);
        Interlocked.Increment(ref live[(int)kind]);
        return true;
    }

    private bool ShouldFail(CacheKind kind)
    {
        lock (injectorLock)
        {
            if (!injectArmed || (injectCache != CacheKind.Any && injectCache != kind))
                return false;
            if (--injectCountdown != 0)
                return false;
            injectArmed = false;
            return true;
        }
    }

    /// <summary>The accounting half of kmem_cache_free.</summary>
    public void Freed(CacheKind kind) => Interlocked.Decrement(ref live[(int)kind]);
}
