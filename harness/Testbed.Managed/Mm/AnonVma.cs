// SPDX-License-Identifier: GPL-2.0-only
// Port of struct anon_vma (mm/rmap.c), reduced to what the merge rules and the
// lifecycle need: its parent (fork) and the VMAs linking it; freed when none is left.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>
/// struct anon_vma: its identity, its parent (the parent VMA's, for a child's made by fork)
/// and the number of VMAs chained to it. A VMA's chain is its own anon_vma and every
/// ancestor; it is singular when the anon_vma has no parent.
/// </summary>
internal sealed class AnonVma : KmemObject
{
    private int degree;

    private AnonVma(KmemAccount account, ulong id, AnonVma? parent)
        : base(account, CacheKind.AnonVma, id)
    {
        Parent = parent;
    }

    /// <summary>anon_vma_alloc; null on allocation failure.</summary>
    public static AnonVma? Alloc(KmemAccount account, AnonVma? parent = null)
    {
        if (!account.TryAlloc(CacheKind.AnonVma, out var id))
            return null;
        Kernel.Trace.Event(EventType.AnonVmaAlloc, id, 0);
        return new AnonVma(account, id, parent);
    }

    /// <summary>The parent VMA's anon_vma when fork made this one (anon_vma_fork), else null.</summary>
    public AnonVma? Parent { get; }

    /// <summary>VMAs linked (anon_vma_chain entries).</summary>
    public int Degree => Volatile.Read(ref degree);

    /// <summary>The anon_vmas a VMA with this one links: this and its ancestors.</summary>
    public uint ChainLength
    {
        get
        {
            var n = 0u;
            for (var av = this; av is not null; av = av.Parent)
                n++;
            return n;
        }
    }

    /// <summary>anon_vma_chain_link for the whole chain: one more VMA on this and each ancestor.</summary>
    public void Link(VmAreaStruct vma)
    {
        for (var av = this; av is not null; av = av.Parent)
        {
            av.CheckLive();
            Kernel.Trace.Event(EventType.AnonVmaLink, av.Id, Interlocked.Increment(ref av.degree));
        }
        vma.AnonVmaChainLinked = true;
    }

    /// <summary>unlink_anon_vmas: each of the chain loses the VMA; one goes (anon_vma_free) with its last VMA.</summary>
    public void Unlink(VmAreaStruct vma)
    {
        vma.AnonVmaChainLinked = false;
        for (var av = this; av is not null;)
        {
            var parent = av.Parent;
            av.CheckLive();
            var after = Interlocked.Decrement(ref av.degree);
            Kernel.Trace.Event(EventType.AnonVmaUnlink, av.Id, after);
            Bug.Warn(after < 0, "anon_vma degree underflow");
            if (after == 0)
            {
                Kernel.Trace.Event(EventType.AnonVmaFree, av.Id, 0);
                av.KmemCacheFree();
            }
            av = parent;
        }
    }
}
