// SPDX-License-Identifier: GPL-2.0-only
// Port of struct anon_vma (mm/rmap.c), reduced to what the merge rules and the
// lifecycle need: it is freed when no VMA links it any more.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>struct anon_vma: only its identity and the number of VMAs chained to it.</summary>
internal sealed class AnonVma : KmemObject
{
    private int degree;

    private AnonVma(KmemAccount account, ulong id)
        : base(account, CacheKind.AnonVma, id)
    {
    }

    /// <summary>anon_vma_alloc; null on allocation failure.</summary>
    public static AnonVma? Alloc(KmemAccount account)
    {
        if (!account.TryAlloc(CacheKind.AnonVma, out var id))
            return null;
        Kernel.Trace.Event(EventType.AnonVmaAlloc, id, 0);
        return new AnonVma(account, id);
    }

    /// <summary>VMAs linked (anon_vma_chain entries).</summary>
    public int Degree => Volatile.Read(ref degree);

    /// <summary>anon_vma_chain_link: one more VMA on this anon_vma.</summary>
    public void Link(VmAreaStruct vma)
    {
        CheckLive();
        Kernel.Trace.Event(EventType.AnonVmaLink, Id, Interlocked.Increment(ref degree));
        vma.AnonVmaChainLinked = true;
    }

    /// <summary>anon_vma_free (via put_anon_vma) when the chain of the last VMA goes.</summary>
    public void Unlink(VmAreaStruct vma)
    {
        CheckLive();
        vma.AnonVmaChainLinked = false;
        var after = Interlocked.Decrement(ref degree);
        Kernel.Trace.Event(EventType.AnonVmaUnlink, Id, after);
        Bug.Warn(after < 0, "anon_vma degree underflow");
        if (after == 0)
        {
            Kernel.Trace.Event(EventType.AnonVmaFree, Id, 0);
            KmemCacheFree();
        }
    }
}
