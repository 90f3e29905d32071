// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Worker;

namespace Testbed.Harness.Concurrent;

/// <summary>
/// One concurrent run (or one crashed worker): what ran, how fast, what the
/// speculative path did, and every violation and leak found afterwards.
/// </summary>
public sealed record RunResult
{
    /// <summary>"native" or "managed".</summary>
    public required string Backend { get; init; }

    /// <summary>The config, e.g. "mmu-spf".</summary>
    public required string Config { get; init; }

    /// <summary>The mix's kebab-case name.</summary>
    public required string Mix { get; init; }

    /// <summary>The workload seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Threads that ran streams.</summary>
    public required int Threads { get; init; }

    /// <summary>
    /// The build that ran: "checked" (the default everywhere: lockdep-lite, poison, event
    /// log) or "perf" (checking compiled out; the only one whose timings mean anything).
    /// </summary>
    public string Flavour { get; init; } = WorkerOptions.Checked;

    /// <summary>Which repetition of the same (backend, config, workload) this is, from 0 (compare --repeat).</summary>
    public int Repeat { get; init; }

    /// <summary>Operations each thread was given.</summary>
    public required int OpsPerThread { get; init; }

    /// <summary>Operations actually run, all threads (fewer when a duration cap stopped them).</summary>
    public long Operations { get; init; }

    /// <summary>Wall time of the threaded part.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Operations per second over the threaded part.</summary>
    public double OpsPerSecond => ElapsedSeconds > 0 ? Operations / ElapsedSeconds : 0;

    /// <summary>Faults handled (stats.faults).</summary>
    public ulong Faults { get; init; }

    /// <summary>Speculative attempts.</summary>
    public ulong SpfAttempts { get; init; }

    /// <summary>Speculative faults that completed.</summary>
    public ulong SpfSuccess { get; init; }

    /// <summary>Speculative aborts by reason (SpfAbort names), zero counts left out.</summary>
    public IReadOnlyDictionary<string, ulong> Aborts { get; init; } = new Dictionary<string, ulong>();

    /// <summary>Aborted speculative faults that went on to the classic path.</summary>
    public ulong Fallbacks { get; init; }

    /// <summary>Faults handled under mmap_sem.</summary>
    public ulong ClassicFaults { get; init; }

    /// <summary>Violations recorded (WARN/BUG, failed validation), at most the first few as text.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];

    /// <summary>The total number of violations recorded.</summary>
    public ulong ViolationCount { get; init; }

    /// <summary>Objects or pages left behind, one line each.</summary>
    public IReadOnlyList<string> Leaks { get; init; } = [];

    /// <summary>Set when the worker process died instead of reporting.</summary>
    public CrashReport? Crash { get; init; }

    /// <summary>The command that reruns this run.</summary>
    public string ReplayCommand { get; init; } = "";

    /// <summary>No crash, no violation, no leak.</summary>
    public bool Clean => Crash is null && ViolationCount == 0 && Leaks.Count == 0;

    /// <summary>The sum of all abort reasons.</summary>
    public ulong TotalAborts => Aborts.Values.Aggregate(0UL, (a, b) => a + b);
}
