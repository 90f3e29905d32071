// SPDX-License-Identifier: GPL-2.0-only
// The managed port's mm->mm_mt: the VMAs by range, walked by the RCU designs' faults
// without mmap_sem and without any lock. Native compiles the kernel's maple tree
// (lib/maple_tree.c) for it; this is not a port of that tree but an index with the same
// guarantees: a copy-on-write sorted array, each store publishing a new one with a
// volatile write, so a reader walks one consistent snapshot lock-free and the garbage
// collector keeps a snapshot alive while a reader holds it (RCU's job for the maple
// tree's nodes).
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>mm_mt: every VMA over its range; writers under mmap_sem, readers lock-free.</summary>
internal sealed class VmaIndex
{
    private readonly record struct Range(ulong First, ulong Last, VmAreaStruct Vma);

    private Range[] ranges = [];

    /// <summary>mas_walk: the VMA whose range holds <paramref name="addr"/>, or null.</summary>
    public VmAreaStruct? Walk(ulong addr)
    {
        // The faults' lockless walk (find_vma_lockless): the kernel's mas_walk checks this
        // with lockdep (rcu_dereference_check); the VMA it returns lives as long as the section.
        Bug.Warn(!Rcu.ReadLockHeld, "find_vma_lockless outside rcu_read_lock");
        var snap = Volatile.Read(ref ranges);
        int lo = 0, hi = snap.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (addr < snap[mid].First)
                hi = mid - 1;
            else if (addr > snap[mid].Last)
                lo = mid + 1;
            else
                return snap[mid].Vma;
        }
        return null;
    }

    /// <summary>
    /// mas_find: the first VMA stored at or above <paramref name="addr"/> and at or below
    /// <paramref name="max"/>, with the range it is stored on; null when none.
    /// </summary>
    public VmAreaStruct? Find(ulong addr, ulong max, out ulong first, out ulong last)
    {
        foreach (var r in Volatile.Read(ref ranges))
        {
            if (r.Last < addr)
                continue;
            if (r.First > max)
                break;
            first = r.First;
            last = r.Last;
            return r.Vma;
        }
        first = last = 0;
        return null;
    }

    /// <summary>mtree_store_range: <paramref name="vma"/> over [first, last] (null erases); one writer at a time.</summary>
    public void Store(ulong first, ulong last, VmAreaStruct? vma)
    {
        var old = ranges;
        var next = new List<Range>(old.Length + 2);
        foreach (var r in old)
        {
            if (r.Last < first || r.First > last)
            {
                next.Add(r);
                continue;
            }
            if (r.First < first)
                next.Add(r with { Last = first - 1 });
            if (r.Last > last)
                next.Add(r with { First = last + 1 });
        }
        if (vma is not null)
            next.Add(new Range(first, last, vma));
        next.Sort(static (a, b) => a.First.CompareTo(b.First));
        Volatile.Write(ref ranges, next.ToArray());
    }

    /// <summary>__mt_destroy: empty.</summary>
    public void Destroy() => Volatile.Write(ref ranges, []);
}
