// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Differential;

/// <summary>What part of the state two sides disagreed on first: the name of a <see cref="Lockstep{TView}"/> check.</summary>
public enum DivergenceKind
{
    /// <summary>The return value (or the VMA a get_vma referenced).</summary>
    Result,

    /// <summary>The VMA layout (Snapshot).</summary>
    Layout,

    /// <summary>The counters (GetStats).</summary>
    Stats,

    /// <summary>The lifecycle and order events the operation recorded.</summary>
    Events,

    /// <summary>The same events, in another order (a write section, link or lock moved).</summary>
    EventOrder,

    /// <summary>The violations the final teardown (Destroy) recorded.</summary>
    Teardown,

    /// <summary>validate_mm's verdict on either side (the nommu A/B).</summary>
    Validate,

    /// <summary>The lifecycle events per object, in any interleaving of objects (the nommu A/B).</summary>
    Trace,
}

/// <summary>
/// The first operation after which two backends disagreed: its index in the run
/// (setup operations first, then the stream), the operation, what differed, each
/// side's value and a readable diff.
/// </summary>
public sealed record Divergence(
    int Index,
    string Operation,
    DivergenceKind Kind,
    string Left,
    string Right,
    string Diff);
