// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/mempolicy.h: struct mempolicy {refcnt, mode}; mpol_new,
// mpol_dup, mpol_get, mpol_put, mpol_equal. MPOL_DEFAULT is the NULL policy.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>struct mempolicy.</summary>
internal sealed class Mempolicy : KmemObject
{
    private RefCount refcnt;

    private Mempolicy(KmemAccount account, ulong id, MpolMode mode)
        : base(account, CacheKind.Mempolicy, id)
    {
        Mode = mode;
        refcnt.Set(1);
    }

    /// <summary>The policy mode (never Default: that is the NULL policy).</summary>
    public MpolMode Mode { get; }

    /// <summary>refcnt.</summary>
    public int RefCnt => refcnt.Read();

    /// <summary>
    /// mpol_new: null with success for MPOL_DEFAULT; false when the allocation fails.
    /// </summary>
    public static bool New(KmemAccount account, MpolMode mode, out Mempolicy? pol)
    {
        pol = null;
        if (mode == MpolMode.Default)
            return true;
        if (!account.TryAlloc(CacheKind.Mempolicy, out var id))
            return false;
        pol = new Mempolicy(account, id, mode);
        Trace.Event(EventType.MpolAlloc, id, 1);
        return true;
    }

    /// <summary>mpol_dup: a new copy of <paramref name="old"/> (null stays null); false on allocation failure.</summary>
    public static bool Dup(KmemAccount account, Mempolicy? old, out Mempolicy? pol)
    {
        pol = null;
        if (old is null)
            return true;
        old.CheckLive();
        return New(account, old.Mode, out pol);
    }

    /// <summary>mpol_get.</summary>
    public static void Get(Mempolicy? pol)
    {
        if (pol is null)
            return;
        pol.CheckLive();
        Trace.Event(EventType.MpolGet, pol.Id, pol.refcnt.Inc(pol));
    }

    /// <summary>mpol_put: drops a reference, freeing at zero. NULL is a no-op.</summary>
    public static void Put(Mempolicy? pol)
    {
        if (pol is null)
            return;
        pol.CheckLive();
        var after = pol.refcnt.Dec(pol);
        Trace.Event(EventType.MpolPut, pol.Id, after);
        if (after == 0)
        {
            Trace.Event(EventType.MpolFree, pol.Id, 0);
            pol.KmemCacheFree();
        }
    }

    /// <summary>mpol_equal: same object, or both non-NULL with the same mode.</summary>
    public static bool Equal(Mempolicy? a, Mempolicy? b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        return a.Mode == b.Mode;
    }
}
