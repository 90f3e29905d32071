// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Interop;

namespace Testbed.Harness.Simulation;

/// <summary>
/// Measures a <see cref="Calibration"/> on this machine: for each design and workload, one
/// thread runs the workload on the perf flavour of the native library (checking compiled out,
/// page work in), a first iteration untimed, then every run of same-kind operations (up to a
/// tb_batch of 256) timed; the cost of a kind is its time over its count, the median over
/// rounds of fresh address spaces. Then the ping-pong transfer cost, and with the native bench
/// driver the wake-up (<see cref="WakeupLatency"/>) and the host kernel's own costs (<see cref="KernelCalibrator"/>).
/// </summary>
public static class Calibrator
{
    private const int Batch = 256;

    /// <summary>
    /// Measures every (config, workload) of <paramref name="configs"/> x <paramref name="workloads"/>:
    /// per workload, <paramref name="rounds"/> rounds in which every config runs once, in turn
    /// (the order rotating by one per round, so load that drifts slows all alike); the kernel's
    /// costs by <paramref name="driver"/> (build/native/perf/bench).
    /// </summary>
    public static Calibration Measure(IReadOnlyList<string> configs, IReadOnlyList<BenchWorkload> workloads, ulong seed, int budget, int rounds,
        string driver, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(workloads);
        var costs = new List<LocalCost>();
        foreach (var workload in workloads)
        {
            progress?.Invoke($"calibrating {workload.Name()}: {string.Join(", ", configs)} x {rounds} rounds");
            var samples = configs.Select(_ => new Dictionary<OpKind, List<double>>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var i = 0; i < configs.Count; i++)
                {
                    var c = (i + r) % configs.Count;
                    foreach (var (kind, ns) in Once(configs[c], workload, seed, budget))
                    {
                        if (!samples[c].TryGetValue(kind, out var list))
                            samples[c][kind] = list = [];
                        list.Add(ns);
                    }
                }
            }
            for (var c = 0; c < configs.Count; c++)
                costs.Add(new LocalCost(configs[c], workload.Name(), samples[c].ToDictionary(kv => kv.Key.ToString(), kv => Median(kv.Value))));
        }
        progress?.Invoke("ping-pong");
        var pingPong = PingPong.Measure(rounds);
        var sorted = pingPong.Order().ToArray();
        progress?.Invoke("wake-up");
        var wakeup = WakeupLatency.Measure(driver, rounds);
        var kernel = KernelCalibrator.Measure(driver, workloads, budget, rounds, progress);
        return new Calibration(DateTimeOffset.UtcNow, Environment.MachineName, Environment.ProcessorCount, budget, rounds,
            sorted[sorted.Length / 2], pingPong, costs) { Wakeup = wakeup, Kernel = kernel };
    }

    // One fresh address space of a multithreaded mm, one thread running (the path the N-thread
    // simulation takes, as the bench's hot paths do): the first iteration runs untimed (it warms the page pool and
    // the allocator, as a long-running benchmark is warm), then whole iterations, at least
    // budget operations, are timed by runs of one kind.
    private static Dictionary<OpKind, double> Once(string config, BenchWorkload workload, ulong seed, int budget)
    {
        var iteration = BenchPlan.OpsPerIteration(workload);
        var timed = iteration * ((Math.Max(budget, iteration) + iteration - 1) / iteration);
        using var space = new NativeAddressSpace(config, "perf");
        // One thread takes stratum 0 (the window starts at the iteration's munmap): the timed part
        // is whole iterations' worth of every kind whatever the seed.
        var windows = Windows.Prepare(space, workload, seed, 1, iteration + timed, Simulator.ProfileMmThreads);
        var window = windows.Of(0).ToArray();
        var cursor = windows.Cursor(0);
        var ns = new Dictionary<OpKind, double>();
        var count = new Dictionary<OpKind, long>();
        var batch = new Operation[Batch];
        var results = new long[Batch];
        for (var i = 0; i < window.Length;)
        {
            var kind = window[i].Kind;
            var n = 1;
            while (n < Batch && i + n < window.Length && window[i + n].Kind == kind && (i >= iteration || i + n < iteration))
                n++;
            // A run of one kind, cut after an mmap (what follows addresses its result).
            n = cursor.ResolveBatch(window.AsSpan(i, n), batch);
            var clock = Stopwatch.StartNew();
            space.ExecuteBatch(batch.AsSpan(0, n), results.AsSpan(0, n));
            clock.Stop();
            cursor.CompletedBatch(batch.AsSpan(0, n), results.AsSpan(0, n));
            for (var k = 0; k < n; k++)
            {
                if (results[k] < 0)
                    throw new InvalidOperationException($"calibration: {batch[k]} returned {results[k]} on {config} (seed {seed})");
            }
            if (i >= iteration)
            {
                ns[kind] = ns.GetValueOrDefault(kind) + clock.Elapsed.TotalNanoseconds;
                count[kind] = count.GetValueOrDefault(kind) + n;
            }
            i += n;
        }
        return ns.ToDictionary(kv => kv.Key, kv => kv.Value / count[kv.Key]);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
