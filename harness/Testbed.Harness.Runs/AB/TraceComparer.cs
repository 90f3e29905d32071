// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.AB;

/// <summary>
/// Compares the lifecycle events of one operation on two backends, object by object:
/// every object must see the same events (type, value, operation) in the same order.
/// The interleaving of different objects' events may differ; that is reported as a
/// reordering, not a difference (the generalized delete_vma puts the region before the
/// VMA's own fput).
/// </summary>
public static class TraceComparer
{
    /// <summary>The result of comparing two traces of one operation.</summary>
    /// <param name="Equal">Every object's history is the same on both sides.</param>
    /// <param name="Reordered">Equal, but the events of different objects are interleaved differently.</param>
    /// <param name="FirstMismatch">Index (in object order) of the first differing event, or -1.</param>
    public readonly record struct Outcome(bool Equal, bool Reordered, int FirstMismatch);

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/>.</summary>
    public static Outcome Compare(IReadOnlyList<LifecycleEvent> a, IReadOnlyList<LifecycleEvent> b)
    {
        if (a.Count != b.Count)
        {
            return new Outcome(false, false, Math.Min(a.Count, b.Count));
        }

        var reordered = false;
        for (var i = 0; i < a.Count; i++)
        {
            if (!SameEvent(a[i], b[i]))
            {
                reordered = true;
                break;
            }
        }

        var sa = ByObject(a);
        var sb = ByObject(b);
        for (var i = 0; i < sa.Count; i++)
        {
            if (!SameEvent(sa[i], sb[i]))
            {
                return new Outcome(false, false, i);
            }
        }

        return new Outcome(true, reordered, -1);
    }

    private static List<LifecycleEvent> ByObject(IReadOnlyList<LifecycleEvent> events) =>
        events.OrderBy(e => e.ObjectId).ThenBy(e => e.Seq).ToList();

    private static bool SameEvent(LifecycleEvent x, LifecycleEvent y) =>
        x.ObjectId == y.ObjectId && x.Type == y.Type && x.Value == y.Value &&
        x.OpSeq == y.OpSeq && x.Op == y.Op;
}
