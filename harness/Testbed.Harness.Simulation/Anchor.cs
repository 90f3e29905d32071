// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// One published number of docs/design-study.md's anchor table: <see cref="Config"/> against
/// mmu on <see cref="Workload"/>, <see cref="Threads"/> threads of <see cref="Machine"/>,
/// published as a difference in per cent (<see cref="Low"/>..<see cref="High"/>; both null:
/// a published direction only, <see cref="Sign"/>).
/// </summary>
public sealed record Anchor(string Row, string Source, Machine Machine, BenchWorkload Workload, string Config, int Threads,
    double? Low, double? High, int Sign)
{
    /// <summary>The published value compared with: the middle of the range.</summary>
    public double? Published => Low is { } l && High is { } h ? (l + h) / 2 : null;

    /// <summary>How the record states it.</summary>
    public string PublishedText => Low is { } l && High is { } h
        ? (l == h ? $"{l:+0.0;-0.0} %" : $"{l:+0.0;-0.0} … {h:+0.0;-0.0} %")
        : Sign < 0 ? "a loss (no number)" : "a gain (no number)";
}
