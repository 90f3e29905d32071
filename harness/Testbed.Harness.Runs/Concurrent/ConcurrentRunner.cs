// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using Testbed.Contract;
using Testbed.Harness.Execution;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Concurrent;

/// <summary>
/// Runs a workload's threads on one address space, bounded by the operation
/// counts (and optionally a duration), then checks it: validate, violations,
/// live objects against map_count, and after unmapping everything and closing
/// every file, that nothing is left (objects, pages outside VMAs).
/// </summary>
public static class ConcurrentRunner
{
    /// <summary>At most this many violations are kept as text in a result.</summary>
    public const int MaxViolationLines = 20;

    private const int MaxFds = 64;
    private const int DeadlineCheckMask = 63;

    /// <summary>
    /// Runs <paramref name="workload"/> on <paramref name="space"/>, a fresh address space.
    /// <paramref name="cancellationToken"/> stops the threads as the duration cap does,
    /// then throws once the address space is checked and torn down.
    /// </summary>
    public static RunResult Run(
        IAddressSpace space, Workload workload, TimeSpan? duration = null, IOperationObserver? observer = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(workload);
        // The workload's threads are the mm's threads (the speculative path needs two).
        var setThreads = space.SetThreads((uint)workload.Threads);
        if (setThreads < 0)
            throw new InvalidOperationException($"SetThreads({workload.Threads}) failed: {Errno.Format(setThreads)}");
        var baseline = space.GetStats();
        foreach (var op in workload.Setup())
            space.Execute(op);

        var streams = workload.Streams(space.Config.VmaRefs);
        var done = new long[workload.Threads];
        using var start = new Barrier(workload.Threads + 1);
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var failures = new Exception?[workload.Threads];
        var threads = Enumerable.Range(0, workload.Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                done[t] = RunStream(space, streams[t], t, deadline, observer, cancellationToken);
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
        })
        { Name = $"testbed-worker-{t}", IsBackground = true }).ToArray();

        foreach (var thread in threads)
            thread.Start();
        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        foreach (var thread in threads)
            thread.Join();
        clock.Stop();
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            throw new InvalidOperationException($"a runner thread failed ({workload})", failure);

        var stats = space.GetStats();
        var leaks = new List<string>();
        space.Validate();
        if (stats.LiveVmas != stats.MapCount)
            leaks.Add($"live_vmas {stats.LiveVmas} != map_count {stats.MapCount} with no get_vma reference held");
        Teardown(space);
        space.Validate();
        leaks.AddRange(Leftovers(baseline, space.GetStats()));
        cancellationToken.ThrowIfCancellationRequested();

        var violations = space.Violations();
        return new RunResult
        {
            Backend = space.Backend,
            Config = space.Config.Name,
            Mix = workload.Mix.Name(),
            Seed = workload.Seed,
            Threads = workload.Threads,
            OpsPerThread = workload.OpsPerThread,
            Operations = done.Sum(),
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            Faults = stats.Faults,
            SpfAttempts = stats.SpfAttempts,
            SpfSuccess = stats.SpfSuccess,
            Aborts = Aborts(stats),
            Fallbacks = stats.Fallbacks,
            ClassicFaults = stats.ClassicFaults,
            ViolationCount = (ulong)violations.Count,
            Violations = violations.Take(MaxViolationLines).Select(v => v.ToString()).ToArray(),
            Leaks = leaks,
            ReplayCommand = ReplayCommand(space.Backend, space.Config.Name, workload, duration),
        };
    }

    /// <summary>The CLI command line that reruns this run.</summary>
    public static string ReplayCommand(string backend, string config, Workload workload, TimeSpan? duration = null) =>
        $"./scripts/testbed stress --backend {backend} --config {config} --mix {workload.Mix.Name()} " +
        $"--seed {workload.Seed} --threads {workload.Threads} --ops {workload.OpsPerThread}" +
        (duration is { } d ? $" --duration {d.TotalSeconds.ToString(WorkerOptions.DurationFormat, CultureInfo.InvariantCulture)}" : "");

    /// <summary>The abort counters by reason, zeros left out.</summary>
    public static IReadOnlyDictionary<string, ulong> Aborts(Stats stats)
    {
        var all = new (SpfAbort Reason, ulong Count)[]
        {
            (SpfAbort.NoVma, stats.SpfAbortNoVma),
            (SpfAbort.SeqOdd, stats.SpfAbortSeqOdd),
            (SpfAbort.SeqChanged, stats.SpfAbortSeqChanged),
            (SpfAbort.Detached, stats.SpfAbortDetached),
            (SpfAbort.Access, stats.SpfAbortAccess),
            (SpfAbort.NotAnon, stats.SpfAbortNotAnon),
            (SpfAbort.NoAnonVma, stats.SpfAbortNoAnonVma),
            (SpfAbort.Mpol, stats.SpfAbortMpol),
            (SpfAbort.PtlBusy, stats.SpfAbortPtlBusy),
        };
        return all.Where(a => a.Count > 0).ToDictionary(a => a.Reason.ToString(), a => a.Count);
    }

    /// <summary>Runs one thread's stream as it is generated, until it ends, the deadline passes or the token is cancelled.</summary>
    private static long RunStream(
        IAddressSpace space, IEnumerable<WorkItem> stream, int thread, long deadline, IOperationObserver? observer, CancellationToken cancellationToken)
    {
        var executor = new StreamExecutor(space);
        foreach (var item in stream)
        {
            if ((executor.Position & DeadlineCheckMask) == 0 && (Stopwatch.GetTimestamp() > deadline || cancellationToken.IsCancellationRequested))
                break;
            observer?.OnStart(thread, executor.Position, executor.Resolve(item));
            executor.Run(item);
        }

        executor.PutAll();
        return executor.Position;
    }

    /// <summary>Unmaps every VMA and closes every file, so all objects should go.</summary>
    private static void Teardown(IAddressSpace space)
    {
        foreach (var vma in space.Snapshot())
            space.Execute(Operation.Munmap(vma.Start, vma.End - vma.Start));
        for (var fd = 0; fd < MaxFds; fd++)
            space.Execute(Operation.FileClose(fd));
    }

    private static IEnumerable<string> Leftovers(Stats baseline, Stats after)
    {
        var checks = new (string Name, ulong Before, ulong After)[]
        {
            ("map_count", baseline.MapCount, after.MapCount),
            ("live_vmas", baseline.LiveVmas, after.LiveVmas),
            ("live_files", baseline.LiveFiles, after.LiveFiles),
            ("live_mempolicies", baseline.LiveMempolicies, after.LiveMempolicies),
            ("live_anon_vmas", baseline.LiveAnonVmas, after.LiveAnonVmas),
            ("live_regions", baseline.LiveRegions, after.LiveRegions),
            ("populated_pages (outside any VMA)", baseline.PopulatedPages, after.PopulatedPages),
        };
        return checks
            .Where(c => c.After != c.Before)
            .Select(c => $"{c.Name}: {c.After} after unmapping everything and closing all files (baseline {c.Before})");
    }
}
