// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Concurrent;
using Testbed.Harness.Differential;

namespace Testbed.Harness.Reports;

/// <summary>Everything a compare run found: the sequential differentials and the concurrent runs.</summary>
public sealed record CompareReport
{
    /// <summary>The base seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>The machine's processor count (throughput numbers depend on it).</summary>
    public int ProcessorCount { get; init; } = System.Environment.ProcessorCount;

    /// <summary>One per (config, mix) compared sequentially.</summary>
    public IReadOnlyList<DifferentialResult> Sequential { get; init; } = [];

    /// <summary>The checked pass: one per (backend, config, threads, repeat) run concurrently on the checked flavours.</summary>
    public IReadOnlyList<RunResult> Concurrent { get; init; } = [];

    /// <summary>The timed pass: the same runs on the perf flavours, each in a worker, native and managed interleaved.</summary>
    public IReadOnlyList<RunResult> Timed { get; init; } = [];

    /// <summary>No finding: every differential agreed and every run of both passes was clean.</summary>
    public bool Clean => Sequential.All(s => s.Agreed) && Concurrent.All(r => r.Clean) && Timed.All(r => r.Clean);

    /// <summary>Something was compared or run, and every concurrent run of both passes ran at least one operation.</summary>
    public bool Complete =>
        (Sequential.Count > 0 || Concurrent.Count > 0) && Concurrent.All(r => r.Operations > 0) && Timed.All(r => r.Operations > 0);

    /// <summary>It ran completely and found nothing.</summary>
    public bool Passed => Complete && Clean;
}
