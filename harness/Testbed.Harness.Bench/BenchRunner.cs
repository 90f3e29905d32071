// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;

namespace Testbed.Harness.Bench;

/// <summary>
/// Runs bench plans on real threads: timed runs (a fresh address space per run, the
/// threads released together, the clock stopped when the last one is done), interleaved over
/// the arms of a comparison, and counted runs on the checked native library.
/// </summary>
public static class BenchRunner
{
    /// <summary>Operations per ExecuteBatch call (one tb_batch on the native backend).</summary>
    public const int BatchSize = 256;

    /// <summary>
    /// Times <paramref name="repeats"/> rounds of <paramref name="workload"/> on every arm,
    /// interleaved: each round runs every arm once (the order rotating by one arm per round, so
    /// that no arm always follows the same one), each run on a fresh address space from
    /// <paramref name="create"/> (backend, config). So load that drifts over the run slows all
    /// arms alike, and each arm's ratio to the <paramref name="baseline"/> of its backend is
    /// taken per round. A round 0 of short runs warms every arm up and is not kept.
    /// </summary>
    public static IReadOnlyList<BenchPoint> TimeInterleaved(IReadOnlyList<BenchArm> arms, Func<string, string, IAddressSpace> create,
        BenchWorkload workload, ulong seed, int threads, int opsPerThread, int repeats, string baseline = "mmu")
    {
        ArgumentNullException.ThrowIfNull(arms);
        ArgumentNullException.ThrowIfNull(create);
        var rates = arms.Select(_ => new List<double>(repeats)).ToArray();
        var errors = new long[arms.Count];
        var ops = new long[arms.Count];
        var flavours = new string?[arms.Count];
        for (var r = 0; r <= repeats; r++)
        {
            for (var k = 0; k < arms.Count; k++)
            {
                var a = (k + r) % arms.Count;
                var arm = arms[a];
                using var space = create(arm.Backend, arm.Config);
                var flavour = BenchFlavour.Of(space);
                if (flavours[a] is { } seen && seen != flavour)
                    throw new InvalidOperationException($"bench: {arm} ran {seen} and then {flavour}");
                flavours[a] = flavour;
                var plan = BenchPlan.Prepare(space, workload, seed, threads, r == 0 ? Math.Min(opsPerThread, 20_000) : opsPerThread);
                var (elapsed, failed) = Execute(space, plan);
                errors[a] += failed;
                if (r == 0)
                    continue;
                ops[a] = plan.TotalOps;
                rates[a].Add(plan.TotalOps / Math.Max(elapsed.TotalSeconds, 1e-9));
            }
        }

        var points = new List<BenchPoint>(arms.Count);
        for (var a = 0; a < arms.Count; a++)
        {
            var arm = arms[a];
            var reference = arms.Select((b, i) => (b, i)).FirstOrDefault(x => x.b.Backend == arm.Backend && x.b.Config == baseline && !x.b.Twin);
            var isBaseline = arm.Config == baseline && !arm.Twin;
            IReadOnlyList<double> ratios = isBaseline || reference.b is null
                ? []
                : [.. rates[a].Zip(rates[reference.i], (x, y) => x / y)];
            points.Add(new BenchPoint(workload.Name(), arm.Backend, arm.Config, threads, threads > Environment.ProcessorCount,
                ops[a], rates[a], errors[a], flavours[a] ?? "", arm.Twin, ratios));
        }
        return points;
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
                var cursor = new StreamCursor();
                var batch = new Operation[BatchSize];
                var results = new long[BatchSize];
                start.SignalAndWait();
                long bad = 0;
                for (var i = 0; i < stream.Length;)
                {
                    // A batch ends at an mmap: the operations after it address what it returned.
                    var n = cursor.ResolveBatch(stream.AsSpan(i), batch);
                    space.ExecuteBatch(batch.AsSpan(0, n), results);
                    cursor.CompletedBatch(batch.AsSpan(0, n), results);
                    for (var k = 0; k < n; k++)
                        bad += Failed(space.Config, batch[k], results[k]) ? 1 : 0;
                    i += n;
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

    // A failed operation, or an mmap whose result the plan cannot use (not page-aligned, outside
    // the mmap window, a MAP_FIXED one elsewhere: BenchPlan.Placed).
    private static bool Failed(ConfigInfo config, in Operation op, long result) =>
        result < 0 || (op.Kind == OpKind.Mmap && !BenchPlan.Placed(config, op, result));

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
