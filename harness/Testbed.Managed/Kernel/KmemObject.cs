// SPDX-License-Identifier: GPL-2.0-only
// Port of the hidden object header of native/kernel/slab.c: cache kind, owner account,
// state. Managed memory is never reused while referenced, so instead of 0x6b poison a
// freed object is marked, and every later use through CheckLive is a violation.
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>An object allocated from a kmem_cache of one mm.</summary>
internal abstract class KmemObject(KmemAccount account, CacheKind cache, ulong id)
{
    private int freed;
    private int charged = 1;
    private KmemAccount account = account;

    /// <summary>The per-mm object id (tb_id), of this life of the object.</summary>
    public ulong Id { get; private set; } = id;

    /// <summary>Which cache it came from.</summary>
    public CacheKind Cache { get; } = cache;

    /// <summary>kmem_obj_freed: true once kmem_cache_free ran (the object is poisoned).</summary>
    public bool IsFreed => Volatile.Read(ref freed) != 0;

    /// <summary>kmem_cache_free: marks the object poisoned; a second free is a violation.</summary>
    public void KmemCacheFree([CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (Interlocked.Exchange(ref freed, 1) != 0)
        {
            Bug.Record(site, line, $"double free of {Cache} object {Id}");
            return;
        }
        if (Interlocked.Exchange(ref charged, 0) != 0)
            account.Freed(Cache);
    }

    /// <summary>
    /// kmem_cache_uncharge: the accounting half of kmem_cache_free, for an object an RCU
    /// callback frees later; the object stays live until that free.
    /// </summary>
    public void Uncharge([CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (IsFreed)
        {
            Bug.Record(site, line, $"uncharge of freed {Cache} object {Id}");
            return;
        }
        if (Interlocked.Exchange(ref charged, 0) != 0)
            account.Freed(Cache);
    }

    /// <summary>
    /// A typesafe cache hands this freed object out again (native slab.c's typesafe_pop):
    /// live once more, charged to <paramref name="newAccount"/> under <paramref name="newId"/>.
    /// </summary>
    protected void Reuse(KmemAccount newAccount, ulong newId)
    {
        account = newAccount;
        Id = newId;
        Volatile.Write(ref charged, 1);
        Volatile.Write(ref freed, 0);
    }

    /// <summary>Records a use-after-free violation when the object was freed; returns true when live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CheckLive([CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        if (!ManagedFlavour.Checked || Volatile.Read(ref freed) == 0)
            return true;
        Bug.Record(site, line, $"use after free of {Cache} object {Id}");
        return false;
    }
}
