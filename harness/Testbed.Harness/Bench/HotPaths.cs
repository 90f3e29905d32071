// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Testbed.Contract;
using Testbed.Harness.Backends;
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

    /// <summary>Runs native/bench with <paramref name="arguments"/>; returns its one JSON object.</summary>
    public static JsonElement RunDriver(string driver, params string[] arguments)
    {
        var info = new ProcessStartInfo(driver) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {driver}");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{driver} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Trim()}");
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    /// <summary>The floor, measured by native/bench.</summary>
    public static FloorReport Floor(string driver, long iterations, int repeats)
    {
        var j = RunDriver(driver, "floor", "-v", Num(Vmas), "-n", Num(iterations), "-r", Num(repeats));
        return new FloorReport(j.GetProperty("vmas").GetInt32(), j.GetProperty("rb_depth").GetInt32(),
            j.GetProperty("rwlock_read_ns").GetDouble(), j.GetProperty("atomic_incdec_ns").GetDouble(),
            j.GetProperty("rb_walk_ns").GetDouble());
    }

    /// <summary>One design's hot paths, from C, through the interop and in the managed port.</summary>
    public static HotPathReport HotPath(string driver, string perfLibrary, string config, long iterations, int repeats)
    {
        var j = RunDriver(driver, "hot", "-l", perfLibrary, "-v", Num(Vmas), "-n", Num(iterations), "-r", Num(repeats));
        var cGetPut = j.GetProperty("get_put_call_ns").GetDouble();
        var (interopFault, interopGetPut) = Measure(() => new NativeAddressSpace(config, "perf"), iterations, repeats);
        var (managedFault, managedGetPut) = Measure(() => new ManagedAddressSpace(config), iterations, repeats);
        return new HotPathReport(config,
            j.GetProperty("fault_batch_ns").GetDouble(), j.GetProperty("fault_call_ns").GetDouble(),
            cGetPut < 0 ? null : cGetPut, interopFault, interopGetPut, managedFault, managedGetPut);
    }

    /// <summary>The op mix from C (native/bench mix) and from C# through tb_batch, on the perf library.</summary>
    public static InteropMixReport Mix(string driver, string perfLibrary, string config, long rounds, int repeats)
    {
        var j = RunDriver(driver, "mix", "-l", perfLibrary, "-n", Num(rounds), "-b", Num(BenchRunner.BatchSize), "-r", Num(repeats));
        var ops = MixOps(rounds);
        var results = new long[BenchRunner.BatchSize];
        using var space = new NativeAddressSpace(config, "perf");
        var samples = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < ops.Length; i += BenchRunner.BatchSize)
                space.ExecuteBatch(ops.AsSpan(i, Math.Min(BenchRunner.BatchSize, ops.Length - i)), results);
            samples.Add(clock.Elapsed.TotalNanoseconds / ops.Length);
        }
        return new InteropMixReport(config, ops.Length, j.GetProperty("op_ns").GetDouble(), BenchMath.Median(samples));
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

    // The hot path of native/bench's run_hot, from C#: batches of 256 read faults cycling over
    // four populated pages of the middle VMA, and get_vma + put_vma per call.
    private static (double FaultNs, double? GetPutNs) Measure(Func<IAddressSpace> create, long iterations, int repeats)
    {
        using var space = create();
        for (var i = 0; i < Vmas; i++)
        {
            var a = HotBase + (ulong)(i * VmaGapPages) * BenchPlan.Page;
            space.Execute(Operation.Mmap(a, VmaPages * BenchPlan.Page, Prot.Read | Prot.Write,
                MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed));
            for (var p = 0; p < VmaPages; p++)
                space.Execute(Operation.Fault(a + (ulong)p * BenchPlan.Page, FaultFlags.Write));
        }
        var addr = HotBase + (ulong)(Vmas / 2 * VmaGapPages) * BenchPlan.Page;
        var batch = new Operation[BenchRunner.BatchSize];
        for (var i = 0; i < batch.Length; i++)
            batch[i] = Operation.Fault(addr + (ulong)(i & 3) * BenchPlan.Page, FaultFlags.Read);
        var results = new long[batch.Length];
        var rounds = Math.Max(1, iterations / batch.Length);
        var faultSamples = new List<double>();
        var refSamples = new List<double>();
        var refs = space.GetVma(addr, out var probe, out _) == 0;
        if (refs)
            space.PutVma(probe);
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            for (var k = 0; k < rounds; k++)
                space.ExecuteBatch(batch, results);
            faultSamples.Add(clock.Elapsed.TotalNanoseconds / (rounds * batch.Length));
            if (!refs)
                continue;
            clock.Restart();
            for (var k = 0; k < iterations; k++)
            {
                space.GetVma(addr, out var reference, out _);
                space.PutVma(reference);
            }
            refSamples.Add(clock.Elapsed.TotalNanoseconds / iterations);
        }
        return (BenchMath.Median(faultSamples), refs ? BenchMath.Median(refSamples) : null);
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
