// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One simulated point: <see cref="Threads"/> virtual CPUs of <see cref="Machine"/> running
/// <see cref="Workload"/> on <see cref="Config"/>. Throughput is every CPU's window over the
/// last CPU's end of work (<see cref="MakespanNs"/>). Where the CPUs' windows run side by side
/// the ends lie within about 15 % of each other and the CPUs' mean end
/// (<see cref="MeanEndNs"/>, the measure until 2026-12-05) gives nearly the same rate; where the
/// windows run one after another (malloc1's mmu-spf under hardware threads sharing their cores:
/// the releaser keeps mmap_sem through its whole run) the ends spread evenly up to the makespan,
/// and the operations over the mean end would be twice the rate of threads that take turns.
/// Where virtual time went is summed over the CPUs up to the end of each one's work; waits
/// include the wake-ups of sleeping lock waiters (<see cref="SleepNs"/>) and the waits for a
/// node's zone->lock (<see cref="ZoneWaitNs"/>) and lru_lock (<see cref="LruWaitNs"/>), transfers those locks' lines.
/// </summary>
public sealed record SimResult(
    string Workload,
    string Config,
    string Backend,
    string Machine,
    int Threads,
    ulong Seed,
    long Ops,
    IReadOnlyDictionary<string, long> OpsByKind,
    double MeanEndNs,
    double MakespanNs,
    double LocalNs,
    double TransferNs,
    double WaitNs,
    long Transfers,
    long Failed,
    IReadOnlyList<LineTransfers> ByLine,
    string? SchedulerFailure)
{
    /// <summary>The part of <see cref="WaitNs"/> that was wake-ups of sleeping lock waiters (sleepers' latencies, releasers' wake calls).</summary>
    public double SleepNs { get; init; }

    /// <summary>Acquisitions that slept (4.16's rwsem: a reader behind a writer, a writer behind readers) and paid a wake-up.</summary>
    public long Sleeps { get; init; }

    /// <summary>Refills of a per-CPU page list from its node's zone (each one zone->lock acquisition; <see cref="PerCpuPages"/>).</summary>
    public long ZoneRefills { get; init; }

    /// <summary>Drains of a per-CPU page list to its node's zone (each one zone->lock acquisition).</summary>
    public long ZoneDrains { get; init; }

    /// <summary>zone->lock acquisitions that found the lock held and waited.</summary>
    public long ZoneWaits { get; init; }

    /// <summary>Virtual ns waited for a zone->lock, all CPUs (part of <see cref="WaitNs"/>).</summary>
    public double ZoneWaitNs { get; init; }

    /// <summary>The part of <see cref="ZoneWaitNs"/> that drains waited (a zap's frees); the rest is refills (a fault's allocation).</summary>
    public double ZoneDrainWaitNs { get; init; }

    /// <summary>zone->lock acquisitions, refills and drains.</summary>
    public long ZoneAcquisitions => ZoneRefills + ZoneDrains;

    /// <summary>Drains of a CPU's lru_add pagevec onto its node's LRU (each one lru_lock acquisition; <see cref="LruLists"/>).</summary>
    public long LruDrains { get; init; }

    /// <summary>lru_lock acquisitions of a zap's release_pages (one per lock batch of freed pages).</summary>
    public long LruReleases { get; init; }

    /// <summary>lru_lock acquisitions that found the lock held and waited.</summary>
    public long LruWaits { get; init; }

    /// <summary>Virtual ns waited for an lru_lock, all CPUs (part of <see cref="WaitNs"/>).</summary>
    public double LruWaitNs { get; init; }

    /// <summary>The part of <see cref="LruWaitNs"/> that releases waited (a zap's frees); the rest is pagevec drains (a fault's).</summary>
    public double LruReleaseWaitNs { get; init; }

    /// <summary>lru_lock acquisitions, pagevec drains and releases.</summary>
    public long LruAcquisitions => LruDrains + LruReleases;

    /// <summary>Faults of the simulated windows that tried the speculative path (0 on a design without one).</summary>
    public long SpfAttempts { get; init; }

    /// <summary>Of <see cref="SpfAttempts"/>, those the speculative path completed (perf's "spf" event).</summary>
    public long SpfSuccess { get; init; }

    /// <summary>
    /// Of <see cref="SpfAttempts"/>, those that gave up because the VMA changed under them: its
    /// sequence count odd or moved, or the VMA detached (the series' pagefault:spf_vma_changed).
    /// </summary>
    public long SpfVmaChanged { get; init; }

    /// <summary>Which local work the point cost (<see cref="LocalWork"/>: "model" or "kernel").</summary>
    public string Local { get; init; } = LocalWork.Model.Name();

    /// <summary>Sleeps per operation.</summary>
    public double SleepsPerOp => Sleeps / (double)Math.Max(1, Ops);

    /// <summary>Operations per second of virtual time, all CPUs together: every operation over the makespan.</summary>
    public double OpsPerSecond => Ops / Math.Max(MakespanNs, 1e-9) * 1e9;

    /// <summary>Line transfers per operation.</summary>
    public double TransfersPerOp => Transfers / (double)Math.Max(1, Ops);

    /// <summary>The share of the CPUs' time that was local work, transfers, waits.</summary>
    public (double Local, double Transfer, double Wait) Shares
    {
        get
        {
            var all = Math.Max(LocalNs + TransferNs + WaitNs, 1e-9);
            return (LocalNs / all, TransferNs / all, WaitNs / all);
        }
    }
}
