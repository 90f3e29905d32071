// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using System.Text;
using Testbed.Contract;

namespace Testbed.Harness.Differential;

/// <summary>Readable differences between two backends' layouts, counters and events.</summary>
public static class StateDiff
{
    private static readonly PropertyInfo[] StatsProperties = typeof(Stats).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>One line per VMA; lines that differ are marked with "!".</summary>
    public static string Layout(IReadOnlyList<VmaInfo> left, IReadOnlyList<VmaInfo> right, string leftName, string rightName)
    {
        var text = new StringBuilder();
        foreach (var (i, l, r, mark) in Paired(left, right, FormatVma))
        {
            text.AppendLine($"  {mark} [{i}] {leftName}: {l}");
            if (l != r)
                text.AppendLine($"  {mark} [{i}] {rightName}: {r}");
        }
        return text.ToString();
    }

    /// <summary>The counters that differ, "name: left vs right".</summary>
    public static IReadOnlyList<string> Stats(Stats left, Stats right) =>
        StatsProperties
            .Select(p => (p.Name, L: p.GetValue(left), R: p.GetValue(right)))
            .Where(x => !Equals(x.L, x.R))
            .Select(x => $"{x.Name}: {x.L} vs {x.R}")
            .ToArray();

    /// <summary>Both event lists, marking the first position where they differ.</summary>
    public static string Events(IReadOnlyList<LifecycleEvent> left, IReadOnlyList<LifecycleEvent> right, string leftName, string rightName)
    {
        var text = new StringBuilder();
        foreach (var (_, l, r, mark) in Paired(left, right, FormatEvent))
            text.AppendLine(l == r ? $"  {mark} {l}" : $"  {mark} {leftName}: {l}\n  {mark} {rightName}: {r}");
        return text.ToString();
    }

    /// <summary>
    /// The two lists formatted and paired by position ("(none)" past the end of the shorter),
    /// each pair with its mark: "!" where the two lines differ.
    /// </summary>
    private static IEnumerable<(int Index, string Left, string Right, string Mark)> Paired<T>(IReadOnlyList<T> left,
        IReadOnlyList<T> right, Func<T, string> format)
    {
        var count = Math.Max(left.Count, right.Count);
        for (var i = 0; i < count; i++)
        {
            var l = i < left.Count ? format(left[i]) : "(none)";
            var r = i < right.Count ? format(right[i]) : "(none)";
            yield return (i, l, r, l == r ? " " : "!");
        }
    }

    /// <summary>A VMA in one line, every compared field.</summary>
    public static string FormatVma(VmaInfo v) =>
        $"id {v.Id} 0x{v.Start:x}-0x{v.End:x} pgoff 0x{v.PgOff:x} {v.Flags} file {v.FileId} region {v.RegionId} " +
        $"mpol {v.Policy} ref {v.RefCount} pages {v.Populated} cow {v.CowPages} anon {(v.HasAnonVma ? 1 : 0)} chain {v.AnonChain} " +
        $"tree {(v.InTree ? 1 : 0)} seq {v.Sequence}";

    /// <summary>
    /// True when both lists hold the same events (sequence numbers aside) in another order:
    /// a drift of the order, not of what happens.
    /// </summary>
    public static bool SameEventsReordered(IReadOnlyList<LifecycleEvent> left, IReadOnlyList<LifecycleEvent> right)
    {
        static LifecycleEvent[] Unnumbered(IEnumerable<LifecycleEvent> events) =>
            events.Select(e => e with { Seq = 0 }).ToArray();

        static IEnumerable<LifecycleEvent> Sorted(IEnumerable<LifecycleEvent> events) =>
            events.OrderBy(e => (e.OpSeq, e.Op, e.Type, e.ObjectId, e.Value));

        var l = Unnumbered(left);
        var r = Unnumbered(right);
        return !l.SequenceEqual(r) && Sorted(l).SequenceEqual(Sorted(r));
    }

    /// <summary>An event in one line (the sequence numbers included).</summary>
    public static string FormatEvent(LifecycleEvent e) => e.ToString();
}
