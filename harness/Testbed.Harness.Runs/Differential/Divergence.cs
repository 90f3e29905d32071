// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Differential;

/// <summary>What part of the state two backends disagreed on first.</summary>
public enum DivergenceKind
{
    /// <summary>The return value (or the VMA a get_vma referenced).</summary>
    Result,

    /// <summary>The VMA layout (Snapshot).</summary>
    Layout,

    /// <summary>The counters (GetStats).</summary>
    Stats,

    /// <summary>The lifecycle events the operation recorded.</summary>
    Events,

    /// <summary>The violations the final teardown (Destroy) recorded.</summary>
    Teardown,
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
