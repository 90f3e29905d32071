// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Worker;
using Testbed.Managed;

namespace Testbed.Harness.Bench;

/// <summary>
/// The single-thread measurements: the floor and the C side from native/bench (build/native/perf/bench),
/// the same paths from C# (perf libraries through the interop, and the managed port), measured
/// side by side in one run.
/// </summary>
public static class HotPaths
{
    /// <summary>VMAs of the hot-path address space (the rb-tree depth follows from it).</summary>
    public const int Vmas = 64;

    private const ulong HotBase = 0x100000000;
    private const int VmaGapPages = 8;
    private const int VmaPages = 4;
    private const ulong MixAddr = 0x200000000;
    private const int MixPages = 16;

    /// <summary>Throws, naming how to build it, when the bench driver <paramref name="driver"/> is not there.</summary>
    public static void RequireDriver(string driver)
    {
        if (!File.Exists(driver))
            throw new FileNotFoundException($"the bench driver {driver} is missing: build it (make -C native perf)", driver);
    }

    /// <summary>Runs native/bench with <paramref name="arguments"/>; returns its one JSON object.</summary>
    public static JsonElement RunDriver(string driver, params string[] arguments)
    {
        // the driver bounds itself by its iteration counts
        var result = ChildProcess.Run(driver, arguments, Timeout.InfiniteTimeSpan);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{driver} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr.Trim()}");
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>One sample of the floor, measured by native/bench.</summary>
    public static FloorReport Floor(string driver, long iterations, int repeats)
    {
        var j = RunDriver(driver, "floor", "-v", Num(Vmas), "-n", Num(iterations), "-r", Num(repeats));
        return new FloorReport(j.GetProperty("vmas").GetInt32(), j.GetProperty("rb_depth").GetInt32(),
            j.GetProperty("rwlock_read_ns").GetDouble(), j.GetProperty("atomic_incdec_ns").GetDouble(),
            j.GetProperty("rb_walk_ns").GetDouble());
    }

    /// <summary>
    /// The floor and every design's hot paths, from C, through the interop and in the managed
    /// port, interleaved: each round samples the floor, then each design's three sides in turn,
    /// one repeat each, so that a busy machine slows all of them alike. The floor's components
    /// are medians over the rounds; every ratio (fault over floor, managed over C) is the median
    /// of the per-round ratios. <paramref name="designs"/>: (config, its perf library).
    /// </summary>
    public static (FloorReport Floor, IReadOnlyList<HotPathReport> Hot) Interleaved(string driver,
        IReadOnlyList<(string Config, string Library)> designs, long iterations, int repeats)
    {
        ArgumentNullException.ThrowIfNull(designs);
        var interop = designs.Select(d => new HotSpace(new NativeAddressSpace(d.Config, "perf"))).ToArray();
        var managed = designs.Select(d => new HotSpace(new ManagedAddressSpace(d.Config))).ToArray();
        try
        {
            for (var d = 0; d < designs.Count; d++)
            {
                interop[d].Sample(iterations);
                managed[d].Sample(iterations);
            }
            var floors = new List<FloorReport>(repeats);
            var c = designs.Select(_ => new List<(double Fault, double Call, double GetPut)>()).ToArray();
            var i = designs.Select(_ => new List<(double Fault, double? GetPut)>()).ToArray();
            var m = designs.Select(_ => new List<(double Fault, double? GetPut)>()).ToArray();
            for (var r = 0; r < repeats; r++)
            {
                floors.Add(Floor(driver, iterations, 1));
                for (var d = 0; d < designs.Count; d++)
                {
                    var j = RunDriver(driver, "hot", "-l", designs[d].Library, "-v", Num(Vmas), "-n", Num(iterations), "-r", "1");
                    c[d].Add((j.GetProperty("fault_batch_ns").GetDouble(), j.GetProperty("fault_call_ns").GetDouble(),
                        j.GetProperty("get_put_call_ns").GetDouble()));
                    i[d].Add(interop[d].Sample(iterations));
                    m[d].Add(managed[d].Sample(iterations));
                }
            }
            var floor = new FloorReport(floors[0].Vmas, floors[0].RbDepth,
                BenchMath.Median([.. floors.Select(f => f.RwlockReadNs)]), BenchMath.Median([.. floors.Select(f => f.AtomicIncDecNs)]),
                BenchMath.Median([.. floors.Select(f => f.RbWalkNs)]));
            var hot = new List<HotPathReport>(designs.Count);
            for (var d = 0; d < designs.Count; d++)
            {
                var cGetPut = BenchMath.Median([.. c[d].Select(x => x.GetPut)]);
                hot.Add(new HotPathReport(designs[d].Config,
                    BenchMath.Median([.. c[d].Select(x => x.Fault)]), BenchMath.Median([.. c[d].Select(x => x.Call)]),
                    cGetPut < 0 ? null : cGetPut,
                    BenchMath.Median([.. i[d].Select(x => x.Fault)]), MedianOrNull(i[d].Select(x => x.GetPut)),
                    BenchMath.Median([.. m[d].Select(x => x.Fault)]), MedianOrNull(m[d].Select(x => x.GetPut)),
                    BenchMath.Median([.. m[d].Zip(c[d], (x, y) => x.Fault / y.Fault)]),
                    cGetPut < 0 ? null : MedianOrNull(m[d].Zip(c[d], (x, y) => x.GetPut / y.GetPut)),
                    BenchMath.Median([.. c[d].Zip(floors, (x, f) => x.Fault / f.TotalNs)])));
            }
            return (floor, hot);
        }
        finally
        {
            foreach (var h in interop.Concat(managed))
                h.Dispose();
        }
    }

    /// <summary>
    /// The op mix from C (native/bench mix) and from C# through tb_batch, on the perf library,
    /// one repeat of each in turn per round.
    /// </summary>
    public static InteropMixReport Mix(string driver, string perfLibrary, string config, long rounds, int repeats)
    {
        var ops = MixOps(rounds);
        var results = new long[BenchRunner.BatchSize];
        using var space = new NativeAddressSpace(config, "perf");
        // two threads, as native/bench's new_mm
        if (space.SetThreads(2) < 0)
            throw new InvalidOperationException($"SetThreads(2) failed on {config}");
        var pureC = new List<double>();
        var cSharp = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var j = RunDriver(driver, "mix", "-l", perfLibrary, "-n", Num(rounds), "-b", Num(BenchRunner.BatchSize), "-r", "1");
            // An untimed pass first, as the driver's repeat -1: the driver's process just ran
            // on this machine's caches, so they are as cold for this side as for a fresh driver.
            MixPass(space, ops, results);
            var clock = Stopwatch.StartNew();
            MixPass(space, ops, results);
            cSharp.Add(clock.Elapsed.TotalNanoseconds / ops.Length);
            pureC.Add(j.GetProperty("op_ns").GetDouble());
        }
        return new InteropMixReport(config, ops.Length, BenchMath.Median(pureC), BenchMath.Median(cSharp),
            BenchMath.Median([.. cSharp.Zip(pureC, (x, y) => x / y)]));
    }

    private static void MixPass(NativeAddressSpace space, Operation[] ops, long[] results)
    {
        for (var i = 0; i < ops.Length; i += BenchRunner.BatchSize)
            space.ExecuteBatch(ops.AsSpan(i, Math.Min(BenchRunner.BatchSize, ops.Length - i)), results);
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : BenchMath.Median(present);
    }

    /// <summary>The op mix of native/bench/bench.c's mix_op, operation for operation.</summary>
    public static Operation[] MixOps(long rounds)
    {
        var ops = new List<Operation>((int)(rounds * (2 + 2 * MixPages)));
        const ulong len = MixPages * BenchPlan.Page;
        for (var r = 0; r < rounds; r++)
        {
            ops.Add(Operation.Mmap(MixAddr, len, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed));
            for (var p = 0; p < MixPages; p++)
                ops.Add(Operation.Fault(MixAddr + (ulong)p * BenchPlan.Page, FaultFlags.Write));
            for (var p = 0; p < MixPages; p++)
                ops.Add(Operation.Fault(MixAddr + (ulong)p * BenchPlan.Page, FaultFlags.Read));
            ops.Add(Operation.Munmap(MixAddr, len));
        }
        return [.. ops];
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
