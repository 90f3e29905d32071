// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Execution;

namespace Testbed.Harness.Differential;

/// <summary>
/// What an address space shows of itself after a step, for <see cref="Lockstep{TView}"/>: the
/// step's outcome, the layout (Snapshot), the counters (GetStats), the lifecycle events the
/// step recorded (DrainEvents; empty with tracing off) and, when asked, validate_mm's verdict.
/// The checks below compare the views of two address spaces of the same config.
/// </summary>
public sealed record SpaceView(StepOutcome Outcome, IReadOnlyList<VmaInfo> Layout, Stats Stats, IReadOnlyList<LifecycleEvent> Events, int Validate)
{
    /// <summary>Reads <paramref name="space"/> after the step that gave <paramref name="outcome"/>.</summary>
    public static SpaceView Observe(IAddressSpace space, StepOutcome outcome, bool validate = false)
    {
        ArgumentNullException.ThrowIfNull(space);
        var layout = space.Snapshot();
        var stats = space.GetStats();
        var events = space.DrainEvents();
        return new SpaceView(outcome, layout, stats, events, validate ? space.Validate() : 0);
    }

    /// <summary>The result, and the VMA a get_vma referenced; the diff is both layouts.</summary>
    public static Lockstep<SpaceView>.Check ResultCheck(string leftName, string rightName) => new(DivergenceKind.Result, (l, r) =>
    {
        if (l.Outcome.Result == r.Outcome.Result && l.Outcome.Vma == r.Outcome.Vma)
            return null;
        var lv = l.Outcome.Vma is { } a ? " " + StateDiff.FormatVma(a) : "";
        var rv = r.Outcome.Vma is { } b ? " " + StateDiff.FormatVma(b) : "";
        return new(l.Outcome.FormatResult() + lv, r.Outcome.FormatResult() + rv,
            "  layout before the divergence:\n" + StateDiff.Layout(l.Layout, r.Layout, leftName, rightName));
    });

    /// <summary>The layouts, VMA by VMA.</summary>
    public static Lockstep<SpaceView>.Check LayoutCheck(string leftName, string rightName) => new(DivergenceKind.Layout, (l, r) =>
        l.Layout.SequenceEqual(r.Layout)
            ? null
            : new($"{l.Layout.Count} VMA(s)", $"{r.Layout.Count} VMA(s)", StateDiff.Layout(l.Layout, r.Layout, leftName, rightName)));

    /// <summary>The counters that <paramref name="same"/> compares (every counter: record equality).</summary>
    public static Lockstep<SpaceView>.Check StatsCheck(string leftName, string rightName, Func<Stats, Stats, bool> same) => new(DivergenceKind.Stats, (l, r) =>
        same(l.Stats, r.Stats)
            ? null
            : new(l.Outcome.FormatResult(), r.Outcome.FormatResult(),
                "  stats (" + leftName + " vs " + rightName + "):\n" + string.Join('\n', StateDiff.Stats(l.Stats, r.Stats).Select(d => "    " + d))));

    /// <summary>
    /// The events, in order: the same events in another order (a write section, link or
    /// lock moved) are an <see cref="DivergenceKind.EventOrder"/>, any other difference
    /// <see cref="DivergenceKind.Events"/>.
    /// </summary>
    public static Lockstep<SpaceView>.Check EventsCheck(string leftName, string rightName) => new(DivergenceKind.Events, (l, r) =>
        l.Events.SequenceEqual(r.Events)
            ? null
            : new($"{l.Events.Count} event(s)", $"{r.Events.Count} event(s)", StateDiff.Events(l.Events, r.Events, leftName, rightName),
                StateDiff.SameEventsReordered(l.Events, r.Events) ? DivergenceKind.EventOrder : null));

    /// <summary>validate_mm passes on both sides (views observed with validate).</summary>
    public static Lockstep<SpaceView>.Check ValidateCheck() => new(DivergenceKind.Validate, (l, r) =>
        l.Validate == 0 && r.Validate == 0 ? null : new($"validate {l.Validate}", $"validate {r.Validate}", ""));
}
