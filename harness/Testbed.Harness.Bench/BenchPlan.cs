// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Bench;

/// <summary>
/// The operations of one bench run: what the main thread does first (shared region, files),
/// then one stream per thread. Streams are pure functions of (workload, seed, thread,
/// iterations) and of the file descriptors the setup returned, so every backend and config
/// runs exactly the same operations.
/// </summary>
public sealed class BenchPlan
{
    /// <summary>The page size of every config.</summary>
    public const ulong Page = 4096;

    /// <summary>Where the region every thread shares starts (ebizzy, single-vma).</summary>
    public const ulong SharedBase = 0x80000000;

    /// <summary>Pages of the shared region.</summary>
    public const int SharedPages = 256;

    /// <summary>Where thread 0's own window starts; thread t's is <see cref="WindowSize"/> further per t.</summary>
    public const ulong WindowBase = 0x100000000;

    /// <summary>The size of one thread's window.</summary>
    public const ulong WindowSize = 0x1000000;

    private const int RegionPages = 32;
    private const int ChunkPages = 8;
    private const int SearchFaults = 16;
    private const int SingleVmaFaults = 64;

    private BenchPlan(BenchWorkload workload, Operation[][] streams)
    {
        Workload = workload;
        Streams = streams;
    }

    /// <summary>The workload.</summary>
    public BenchWorkload Workload { get; }

    /// <summary>One operation stream per thread.</summary>
    public IReadOnlyList<Operation[]> Streams { get; }

    /// <summary>Operations of all threads together.</summary>
    public long TotalOps => Streams.Sum(s => (long)s.Length);

    /// <summary>Operations one iteration of <paramref name="workload"/> runs per thread.</summary>
    public static int OpsPerIteration(BenchWorkload workload) => workload switch
    {
        BenchWorkload.Ebizzy => 2 + ChunkPages + SearchFaults,
        BenchWorkload.PageFault1 or BenchWorkload.PageFault2 or BenchWorkload.PageFault3 => 2 + RegionPages,
        BenchWorkload.Malloc1 => 3,
        BenchWorkload.SingleVma => SingleVmaFaults,
        _ => throw new ArgumentOutOfRangeException(nameof(workload)),
    };

    /// <summary>
    /// Prepares <paramref name="space"/> for <paramref name="workload"/> on
    /// <paramref name="threads"/> threads (maps and populates the shared region, opens one file
    /// per thread) and returns the plan with about <paramref name="opsPerThread"/> operations
    /// per thread. Throws when a setup operation fails.
    /// </summary>
    public static BenchPlan Prepare(IAddressSpace space, BenchWorkload workload, ulong seed, int threads, int opsPerThread)
    {
        ArgumentNullException.ThrowIfNull(space);
        // As the benchmarks' processes: one thread per stream (the series speculates only in
        // a multithreaded mm, so a one-thread run takes the classic path on every config).
        var set = space.SetThreads((uint)threads);
        if (set < 0)
            throw new InvalidOperationException($"bench setup: SetThreads({threads}) returned {set} on {space.Backend} {space.Config.Name}");
        var fds = new int[threads];
        if (workload is BenchWorkload.Ebizzy or BenchWorkload.SingleVma)
        {
            Expect(space, Operation.Mmap(SharedBase, SharedPages * Page, Prot.Read | Prot.Write,
                MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed), (long)SharedBase);
            for (var p = 0; p < SharedPages; p++)
                Expect(space, Operation.Fault(SharedBase + (ulong)p * Page, FaultFlags.Write), null);
        }
        if (workload is BenchWorkload.PageFault2 or BenchWorkload.PageFault3)
        {
            for (var t = 0; t < threads; t++)
                fds[t] = (int)Expect(space, Operation.FileOpen(RegionPages * Page, 0), null);
        }

        var iterations = Math.Max(1, opsPerThread / OpsPerIteration(workload));
        var streams = new Operation[threads][];
        for (var t = 0; t < threads; t++)
            streams[t] = Stream(workload, SplitMix64.Derive(seed, (ulong)t), WindowBase + (ulong)t * WindowSize, fds[t], iterations);
        return new BenchPlan(workload, streams);
    }

    private static Operation[] Stream(BenchWorkload workload, SplitMix64 rng, ulong window, int fd, int iterations)
    {
        var ops = new List<Operation>(iterations * OpsPerIteration(workload));
        const Prot rw = Prot.Read | Prot.Write;
        const MapFlags anon = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;
        for (var i = 0; i < iterations; i++)
        {
            switch (workload)
            {
                case BenchWorkload.Ebizzy:
                    ops.Add(Operation.Mmap(window, ChunkPages * Page, rw, anon));
                    for (var p = 0; p < ChunkPages; p++)
                        ops.Add(Operation.Fault(window + (ulong)p * Page, FaultFlags.Write));
                    for (var s = 0; s < SearchFaults; s++)
                        ops.Add(Operation.Fault(SharedBase + (ulong)rng.Below(SharedPages) * Page, FaultFlags.Read));
                    ops.Add(Operation.Munmap(window, ChunkPages * Page));
                    break;
                case BenchWorkload.PageFault1:
                case BenchWorkload.PageFault2:
                case BenchWorkload.PageFault3:
                    ops.Add(workload switch
                    {
                        BenchWorkload.PageFault1 => Operation.Mmap(window, RegionPages * Page, rw, anon),
                        BenchWorkload.PageFault2 => Operation.Mmap(window, RegionPages * Page, rw, MapFlags.Private | MapFlags.Fixed, fd),
                        _ => Operation.Mmap(window, RegionPages * Page, rw, MapFlags.Shared | MapFlags.Fixed, fd),
                    });
                    for (var p = 0; p < RegionPages; p++)
                        ops.Add(Operation.Fault(window + (ulong)p * Page, FaultFlags.Write));
                    ops.Add(Operation.Munmap(window, RegionPages * Page));
                    break;
                case BenchWorkload.Malloc1:
                    ops.Add(Operation.Mmap(window, RegionPages * Page, rw, anon));
                    ops.Add(Operation.Fault(window, FaultFlags.Write));
                    ops.Add(Operation.Munmap(window, RegionPages * Page));
                    break;
                case BenchWorkload.SingleVma:
                    for (var s = 0; s < SingleVmaFaults; s++)
                        ops.Add(Operation.Fault(SharedBase + (ulong)rng.Below(SharedPages) * Page, FaultFlags.Read));
                    break;
            }
        }
        return [.. ops];
    }

    private static long Expect(IAddressSpace space, Operation op, long? expected)
    {
        var result = space.Execute(op);
        if (result < 0 || (expected is { } e && result != e))
            throw new InvalidOperationException($"bench setup: {op} returned {result} on {space.Backend} {space.Config.Name}");
        return result;
    }
}
