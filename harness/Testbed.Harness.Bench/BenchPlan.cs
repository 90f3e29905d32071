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
/// <remarks>
/// Where the original maps with <c>mmap(NULL, ...)</c> (ebizzy -m, will-it-scale, glibc's
/// malloc), the stream maps without MAP_FIXED and passes its thread's slot as the hint: the
/// slots are packed downwards from <see cref="TopDownBase"/> as top-down placement packs the
/// threads' mappings, so a new mapping meets its neighbours (and may merge with them and share
/// their anon_vma) as in a real process. A slot is free whenever its thread maps it, so
/// get_unmapped_area always honours the hint; <see cref="BenchRunner.Execute"/> counts an
/// mmap placed anywhere else as a failed operation.
/// </remarks>
public sealed class BenchPlan
{
    /// <summary>The page size of every config.</summary>
    public const ulong Page = 4096;

    /// <summary>Where the region every thread shares starts (single-vma).</summary>
    public const ulong SharedBase = 0x80000000;

    /// <summary>Pages of single-vma's shared region.</summary>
    public const int SharedPages = 256;

    /// <summary>The top of the slots that stand for top-down placement (below mmap_base).</summary>
    public const ulong TopDownBase = 0x7e0000000000;

    /// <summary>Where pft's one VMA starts.</summary>
    public const ulong PftBase = 0x200000000;

    /// <summary>will-it-scale's MEMSIZE and malloc1's SIZE: 128 MiB, in pages.</summary>
    public const int WillItScalePages = 128 * 1024 * 1024 / (int)Page;

    /// <summary>
    /// malloc1's mapping: glibc's sysmalloc maps the request plus the chunk header, rounded up
    /// to a page: 128 MiB + 4 KiB.
    /// </summary>
    public const int Malloc1Pages = WillItScalePages + 1;

    /// <summary>ebizzy's chunk_size: record_size (sizeof(size_t)) * 64 * 1024 = 512 KiB, in pages.</summary>
    public const int EbizzyChunkPages = 8 * 64 * 1024 / (int)Page;

    /// <summary>ebizzy's default number of chunks (the records it searches, mapped and written at start).</summary>
    public const int EbizzyChunks = 10;

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

    /// <summary>Operations one iteration of <paramref name="workload"/> runs per thread (pft: one fault).</summary>
    public static int OpsPerIteration(BenchWorkload workload) => workload switch
    {
        BenchWorkload.Ebizzy => 2 + EbizzyChunkPages,
        BenchWorkload.PageFault1 or BenchWorkload.PageFault2 or BenchWorkload.PageFault3 => 2 + WillItScalePages,
        BenchWorkload.Malloc1 => 3,
        BenchWorkload.SingleVma => SingleVmaFaults,
        BenchWorkload.Pft => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(workload)),
    };

    /// <summary>
    /// Prepares <paramref name="space"/> for <paramref name="workload"/> on
    /// <paramref name="threads"/> threads (maps and populates the shared regions, opens one file
    /// per thread) and returns the plan with about <paramref name="opsPerThread"/> operations
    /// per thread (at least one iteration). Throws when a setup operation fails.
    /// </summary>
    public static BenchPlan Prepare(IAddressSpace space, BenchWorkload workload, ulong seed, int threads, int opsPerThread)
    {
        ArgumentNullException.ThrowIfNull(space);
        // As the benchmarks' processes: one thread per stream (the series speculates only in
        // a multithreaded mm, so a one-thread run takes the classic path on every config).
        var set = space.SetThreads((uint)threads);
        if (set < 0)
            throw new InvalidOperationException($"bench setup: SetThreads({threads}) returned {set} on {space.Backend} {space.Config.Name}");
        const Prot rw = Prot.Read | Prot.Write;
        var fds = new int[threads];
        switch (workload)
        {
            case BenchWorkload.SingleVma:
                Expect(space, Operation.Mmap(SharedBase, SharedPages * Page, rw, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed), (long)SharedBase);
                WriteEvery(space, SharedBase, SharedPages);
                break;
            case BenchWorkload.Ebizzy:
                // allocate() and write_pattern(): the chunks, mapped one by one top-down (they
                // merge into one VMA), every record written.
                for (var c = 0; c < EbizzyChunks; c++)
                {
                    var at = TopDownSlot(TopDownBase, EbizzyChunkPages, c);
                    Expect(space, Operation.Mmap(at, EbizzyChunkPages * Page, rw, MapFlags.Private | MapFlags.Anonymous), (long)at);
                    WriteEvery(space, at, EbizzyChunkPages);
                }
                break;
            case BenchWorkload.PageFault2:
            case BenchWorkload.PageFault3:
                // One file per thread; past the mm's file table (TB_MAX_FILES slots: a simulation of
                // 192 CPUs) threads share them round-robin, each still mapping its own slot.
                for (var t = 0; t < threads; t++)
                {
                    fds[t] = t < (int)Abi.MaxFiles
                        ? (int)Expect(space, Operation.FileOpen(WillItScalePages * Page, 0), null)
                        : fds[t % (int)Abi.MaxFiles];
                }
                break;
            case BenchWorkload.Pft:
                // pft's main thread maps one region; each thread then faults its own part.
                Expect(space, Operation.Mmap(PftBase, (ulong)threads * (ulong)opsPerThread * Page, rw,
                    MapFlags.Private | MapFlags.Anonymous), (long)PftBase);
                break;
        }

        var iterations = Math.Max(1, opsPerThread / OpsPerIteration(workload));
        var streams = new Operation[threads][];
        for (var t = 0; t < threads; t++)
            streams[t] = Stream(workload, SplitMix64.Derive(seed, (ulong)t), t, fds[t], iterations);
        return new BenchPlan(workload, streams);
    }

    /// <summary>Slot <paramref name="index"/> of <paramref name="pages"/> pages, packed downwards from <paramref name="top"/>.</summary>
    public static ulong TopDownSlot(ulong top, int pages, int index) => top - (ulong)(index + 1) * (ulong)pages * Page;

    private static Operation[] Stream(BenchWorkload workload, SplitMix64 rng, int thread, int fd, int iterations)
    {
        var ops = new List<Operation>(iterations * OpsPerIteration(workload));
        const Prot rw = Prot.Read | Prot.Write;
        const MapFlags anon = MapFlags.Private | MapFlags.Anonymous;
        for (var i = 0; i < iterations; i++)
        {
            switch (workload)
            {
                case BenchWorkload.Ebizzy:
                {
                    // search_mem with -m -T: mmap a chunk-sized copy, touch every page, munmap.
                    var below = TopDownBase - (ulong)EbizzyChunks * EbizzyChunkPages * Page;
                    var at = TopDownSlot(below, EbizzyChunkPages, thread);
                    ops.Add(Operation.Mmap(at, EbizzyChunkPages * Page, rw, anon));
                    AddWrites(ops, at, EbizzyChunkPages);
                    ops.Add(Operation.Munmap(at, EbizzyChunkPages * Page));
                    break;
                }
                case BenchWorkload.PageFault1:
                case BenchWorkload.PageFault2:
                case BenchWorkload.PageFault3:
                {
                    var at = TopDownSlot(TopDownBase, WillItScalePages, thread);
                    const ulong len = WillItScalePages * Page;
                    ops.Add(workload switch
                    {
                        BenchWorkload.PageFault1 => Operation.Mmap(at, len, rw, anon),
                        BenchWorkload.PageFault2 => Operation.Mmap(at, len, rw, MapFlags.Private, fd),
                        _ => Operation.Mmap(at, len, rw, MapFlags.Shared, fd),
                    });
                    AddWrites(ops, at, WillItScalePages);
                    ops.Add(Operation.Munmap(at, len));
                    break;
                }
                case BenchWorkload.Malloc1:
                {
                    // malloc(128 MiB): sysmalloc's mmap, the chunk header written; free: munmap.
                    var at = TopDownSlot(TopDownBase, Malloc1Pages, thread);
                    ops.Add(Operation.Mmap(at, Malloc1Pages * Page, rw, anon));
                    ops.Add(Operation.Fault(at, FaultFlags.Write));
                    ops.Add(Operation.Munmap(at, Malloc1Pages * Page));
                    break;
                }
                case BenchWorkload.SingleVma:
                    for (var s = 0; s < SingleVmaFaults; s++)
                        ops.Add(Operation.Fault(SharedBase + (ulong)rng.Below(SharedPages) * Page, FaultFlags.Read));
                    break;
                case BenchWorkload.Pft:
                    ops.Add(Operation.Fault(PftBase + ((ulong)thread * (ulong)iterations + (ulong)i) * Page, FaultFlags.Write));
                    break;
            }
        }
        return [.. ops];
    }

    private static void AddWrites(List<Operation> ops, ulong start, int pages)
    {
        for (var p = 0; p < pages; p++)
            ops.Add(Operation.Fault(start + (ulong)p * Page, FaultFlags.Write));
    }

    private static void WriteEvery(IAddressSpace space, ulong start, int pages)
    {
        for (var p = 0; p < pages; p++)
            Expect(space, Operation.Fault(start + (ulong)p * Page, FaultFlags.Write), null);
    }

    private static long Expect(IAddressSpace space, Operation op, long? expected)
    {
        var result = space.Execute(op);
        if (result < 0 || (expected is { } e && result != e))
            throw new InvalidOperationException($"bench setup: {op} returned {result} on {space.Backend} {space.Config.Name}");
        return result;
    }
}
