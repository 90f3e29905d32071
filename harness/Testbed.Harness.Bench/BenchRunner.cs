// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;

namespace Testbed.Harness.Bench;

/// <summary>
/// Runs bench plans on real threads: timed runs (a fresh address space per repeat, the
/// threads released together, the clock stopped when the last one is done) and counted runs
/// on the checked native library.
/// </summary>
public static class BenchRunner
{
    /// <summary>Operations per ExecuteBatch call (one tb_batch on the native backend).</summary>
    public const int BatchSize = 256;

    /// <summary>
    /// Times <paramref name="repeats"/> runs of <paramref name="workload"/>, each on a fresh
    /// address space from <paramref name="create"/>.
    /// </summary>
    public static BenchPoint Time(Func<IAddressSpace> create, string backend, string config, BenchWorkload workload,
        ulong seed, int threads, int opsPerThread, int repeats)
    {
        ArgumentNullException.ThrowIfNull(create);
        var rates = new List<double>(repeats);
        long errors = 0, ops = 0;
        // Run 0 warms up (the JIT's tiers, the allocator) and is not kept.
        for (var r = 0; r <= repeats; r++)
        {
            using var space = create();
            var plan = BenchPlan.Prepare(space, workload, seed, threads, r == 0 ? Math.Min(opsPerThread, 20_000) : opsPerThread);
            var (elapsed, failed) = Execute(space, plan);
            errors += failed;
            if (r == 0)
                continue;
            ops = plan.TotalOps;
            rates.Add(plan.TotalOps / Math.Max(elapsed.TotalSeconds, 1e-9));
        }
        return new BenchPoint(workload.Name(), backend, config, threads, threads > Environment.ProcessorCount,
            ops, rates, errors);
    }

    /// <summary>
    /// One run of <paramref name="workload"/> on the checked native library of
    /// <paramref name="config"/>, with its line writes, waits and speculative aborts counted.
    /// </summary>
    public static CountedMetrics Count(string config, BenchWorkload workload, ulong seed, int threads, int opsPerThread)
    {
        using var space = new NativeAddressSpace(config);
        var plan = BenchPlan.Prepare(space, workload, seed, threads, opsPerThread);
        var before = space.GetStats();
        TestbedConfigs.Dispatch(config, new ResetCounts());
        Execute(space, plan);
        var counts = TestbedConfigs.Dispatch(config, new ReadCounts());
        var after = space.GetStats();
        return Metrics(workload, config, threads, counts, before, after);
    }

    /// <summary>Runs the plan's streams on one thread each; returns the wall time and the failed operations.</summary>
    public static (TimeSpan Elapsed, long Failed) Execute(IAddressSpace space, BenchPlan plan)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(plan);
        var n = plan.Streams.Count;
        using var start = new Barrier(n + 1);
        var failed = new long[n];
        var workers = new Thread[n];
        for (var t = 0; t < n; t++)
        {
            var stream = plan.Streams[t];
            var index = t;
            workers[t] = new Thread(() =>
            {
                var results = new long[BatchSize];
                start.SignalAndWait();
                long bad = 0;
                for (var i = 0; i < stream.Length; i += BatchSize)
                {
                    var chunk = stream.AsSpan(i, Math.Min(BatchSize, stream.Length - i));
                    space.ExecuteBatch(chunk, results);
                    for (var k = 0; k < chunk.Length; k++)
                        bad += results[k] < 0 ? 1 : 0;
                }
                failed[index] = bad;
            }) { IsBackground = true, Name = $"bench-{t}" };
            workers[t].Start();
        }

        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        foreach (var w in workers)
            w.Join();
        clock.Stop();
        return (clock.Elapsed, failed.Sum());
    }

    private static CountedMetrics Metrics(BenchWorkload workload, string config, int threads,
        IReadOnlyDictionary<OpKind, TbOpCounts> counts, Stats before, Stats after)
    {
        var fault = counts[OpKind.Fault];
        double faults = Math.Max(1, fault.Ops);
        var ops = counts.Where(c => c.Key != OpKind.None).Sum(c => (double)c.Value.Ops);
        var all = counts.Values.Aggregate(default(TbOpCounts), Add);
        var writerWaits = all.MmapSemWriteWaits + all.MmRbLockWriteWaits;
        var aborts = new Dictionary<string, long>
        {
            ["no-vma"] = (long)(after.SpfAbortNoVma - before.SpfAbortNoVma),
            ["seq-odd"] = (long)(after.SpfAbortSeqOdd - before.SpfAbortSeqOdd),
            ["seq-changed"] = (long)(after.SpfAbortSeqChanged - before.SpfAbortSeqChanged),
            ["detached"] = (long)(after.SpfAbortDetached - before.SpfAbortDetached),
            ["access"] = (long)(after.SpfAbortAccess - before.SpfAbortAccess),
            ["not-anon"] = (long)(after.SpfAbortNotAnon - before.SpfAbortNotAnon),
            ["no-anon-vma"] = (long)(after.SpfAbortNoAnonVma - before.SpfAbortNoAnonVma),
            ["mpol"] = (long)(after.SpfAbortMpol - before.SpfAbortMpol),
            ["ptl-busy"] = (long)(after.SpfAbortPtlBusy - before.SpfAbortPtlBusy),
        };
        return new CountedMetrics(
            workload.Name(), config, threads, (long)ops, (long)fault.Ops,
            fault.MmapSemWrites / faults,
            fault.MmRbLockWrites / faults,
            fault.PageTableLockWrites / faults,
            fault.PtlWrites / faults,
            fault.VmaRmw / faults,
            fault.TestbedWrites / faults,
            (all.MmapSemWrites + all.MmRbLockWrites + all.PageTableLockWrites) / Math.Max(1, ops),
            all.VmaRmw / Math.Max(1, ops),
            1000.0 * (fault.MmapSemReadWaits + fault.MmRbLockReadWaits) / faults,
            1000.0 * fault.MmapSemReadWaitsWriter / faults,
            1000.0 * writerWaits / Math.Max(1, ops),
            (after.Fallbacks - before.Fallbacks) / faults,
            1000.0 * Writers(counts).MmapSem / faults,
            1000.0 * Writers(counts).MmRbLock / faults,
            all.MmapSemWriteSteps / faults,
            all.MmRbLockWriteSteps / faults,
            (long)(after.SpfSuccess - before.SpfSuccess),
            aborts);
    }

    // The operations that change the tree take their locks for write only: an acquire and a
    // release each count one write, so half their writes are write sections.
    private static (double MmapSem, double MmRbLock) Writers(IReadOnlyDictionary<OpKind, TbOpCounts> counts)
    {
        var writers = new[] { OpKind.Mmap, OpKind.Munmap, OpKind.Mprotect, OpKind.Mbind }.Select(k => counts[k]).ToArray();
        return (writers.Sum(c => (double)c.MmapSemWrites) / 2, writers.Sum(c => (double)c.MmRbLockWrites) / 2);
    }

    private static TbOpCounts Add(TbOpCounts a, TbOpCounts b) => new()
    {
        Ops = a.Ops + b.Ops,
        MmapSemWrites = a.MmapSemWrites + b.MmapSemWrites,
        MmRbLockWrites = a.MmRbLockWrites + b.MmRbLockWrites,
        PageTableLockWrites = a.PageTableLockWrites + b.PageTableLockWrites,
        PtlWrites = a.PtlWrites + b.PtlWrites,
        TestbedWrites = a.TestbedWrites + b.TestbedWrites,
        VmaRmw = a.VmaRmw + b.VmaRmw,
        OtherLockWrites = a.OtherLockWrites + b.OtherLockWrites,
        SeqWrites = a.SeqWrites + b.SeqWrites,
        MmapSemReadWaits = a.MmapSemReadWaits + b.MmapSemReadWaits,
        MmapSemReadWaitsWriter = a.MmapSemReadWaitsWriter + b.MmapSemReadWaitsWriter,
        MmapSemWriteWaits = a.MmapSemWriteWaits + b.MmapSemWriteWaits,
        MmRbLockReadWaits = a.MmRbLockReadWaits + b.MmRbLockReadWaits,
        MmRbLockWriteWaits = a.MmRbLockWriteWaits + b.MmRbLockWriteWaits,
        PtlWaits = a.PtlWaits + b.PtlWaits,
        MmapSemWriteSteps = a.MmapSemWriteSteps + b.MmapSemWriteSteps,
        MmRbLockWriteSteps = a.MmRbLockWriteSteps + b.MmRbLockWriteSteps,
    };

    private sealed class ResetCounts : ITestbedApiVisitor<bool>
    {
        public bool Visit<TApi>() where TApi : struct, ITestbedApi
        {
            NativeConfigs.ResetCounts<TApi>();
            return true;
        }
    }

    private sealed class ReadCounts : ITestbedApiVisitor<IReadOnlyDictionary<OpKind, TbOpCounts>>
    {
        public IReadOnlyDictionary<OpKind, TbOpCounts> Visit<TApi>() where TApi : struct, ITestbedApi =>
            Enum.GetValues<OpKind>().ToDictionary(k => k, NativeConfigs.Counts<TApi>);
    }
}
