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
/// malloc), so does the plan: no hint, no MAP_FIXED, and the model's own get_unmapped_area
/// places the mapping (top-down: the highest gap below mmap_base that fits, so a new mapping
/// refills the hole freed highest, next to a live neighbour it may merge with and share an
/// anon_vma with, as in a real process). The thread's faults and its munmap are addressed in
/// the mapping its own mmap returned (<see cref="BenchOp.InMapping"/>, resolved by
/// <see cref="StreamCursor"/>). Setup mappings the original makes once stay where they were:
/// single-vma's shared region (MAP_FIXED) and pft's region (hinted, free, so honoured: every
/// thread's faults are addressed in it); ebizzy's chunks are mapped without a hint, as its
/// allocate() does, and nothing addresses them afterwards.
/// </remarks>
public sealed class BenchPlan
{
    /// <summary>The page size of every config.</summary>
    public const ulong Page = 4096;

    /// <summary>Where the region every thread shares starts (single-vma).</summary>
    public const ulong SharedBase = 0x80000000;

    /// <summary>Pages of single-vma's shared region.</summary>
    public const int SharedPages = 256;

    /// <summary>Where pft's one VMA starts.</summary>
    public const ulong PftBase = 0x200000000;

    /// <summary>will-it-scale's MEMSIZE and malloc1's SIZE: 128 MiB, in pages.</summary>
    public const int WillItScalePages = 128 * 1024 * 1024 / (int)Page;

    /// <summary>
    /// malloc1's mapping on a 4 KiB machine: glibc's sysmalloc maps the request plus the chunk
    /// header, rounded up to a page: 128 MiB + 4 KiB (+ one base page on a bigger one).
    /// </summary>
    public const int Malloc1Pages = WillItScalePages + 1;

    /// <summary>ebizzy's chunk_size: record_size (sizeof(size_t)) * 64 * 1024 = 512 KiB, in pages.</summary>
    public const int EbizzyChunkPages = 8 * 64 * 1024 / (int)Page;

    /// <summary>ebizzy's default number of chunks (the records it searches, mapped and written at start).</summary>
    public const int EbizzyChunks = 10;

    private const int SingleVmaFaults = 64;

    private BenchPlan(BenchWorkload workload, BenchOp[][] streams)
    {
        Workload = workload;
        Streams = streams;
    }

    /// <summary>The workload.</summary>
    public BenchWorkload Workload { get; }

    /// <summary>One operation stream per thread (run each through a <see cref="StreamCursor"/> of its own).</summary>
    public IReadOnlyList<BenchOp[]> Streams { get; }

    /// <summary>Operations of all threads together.</summary>
    public long TotalOps => Streams.Sum(s => (long)s.Length);

    /// <summary>
    /// Operations one iteration of <paramref name="workload"/> runs per thread (pft: one fault)
    /// on a machine whose base page is <paramref name="basePages"/> of the model's 4 KiB pages
    /// (<see cref="CheckBasePages"/>): a workload shaped in bytes (ebizzy's chunk, will-it-scale's
    /// 128 MiB) faults once per base page.
    /// </summary>
    public static int OpsPerIteration(BenchWorkload workload, int basePages = 1)
    {
        CheckBasePages(basePages);
        return workload switch
        {
            BenchWorkload.Ebizzy => 2 + EbizzyChunkPages / basePages,
            BenchWorkload.PageFault1 or BenchWorkload.PageFault2 or BenchWorkload.PageFault3 => 2 + WillItScalePages / basePages,
            BenchWorkload.Malloc1 => 3,
            BenchWorkload.SingleVma => SingleVmaFaults,
            BenchWorkload.Pft => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(workload)),
        };
    }

    /// <summary>
    /// Checks a machine's base page in the model's 4 KiB pages (1 on x86; 16 for a 64 KiB page):
    /// a power of two no larger than ebizzy's chunk, so that every workload's bytes are whole
    /// base pages. The model maps 4 KiB pages: a base page of n is n of them, the first touched
    /// (the one the base page's fault maps), the rest never faulted.
    /// </summary>
    public static int CheckBasePages(int basePages)
    {
        if (basePages < 1 || (basePages & (basePages - 1)) != 0 || basePages > EbizzyChunkPages)
            throw new ArgumentOutOfRangeException(nameof(basePages), basePages, $"a base page is a power of two of 4 KiB pages, at most {EbizzyChunkPages}");
        return basePages;
    }

    /// <summary>
    /// Prepares <paramref name="space"/> for <paramref name="workload"/> on
    /// <paramref name="threads"/> threads (maps and populates the shared regions, opens one file
    /// per thread) and returns the plan with about <paramref name="opsPerThread"/> operations
    /// per thread (at least one iteration), on a machine whose base page is
    /// <paramref name="basePages"/> 4 KiB pages (<see cref="CheckBasePages"/>: every fault
    /// touches the first 4 KiB of its base page). Throws when a setup operation fails.
    /// </summary>
    public static BenchPlan Prepare(IAddressSpace space, BenchWorkload workload, ulong seed, int threads, int opsPerThread, int basePages = 1)
    {
        ArgumentNullException.ThrowIfNull(space);
        CheckBasePages(basePages);
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
                Expect(space, Operation.Mmap(SharedBase, (ulong)SharedPages * (ulong)basePages * Page, rw, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed), (long)SharedBase);
                WriteEvery(space, SharedBase, SharedPages * basePages, basePages);
                break;
            case BenchWorkload.Ebizzy:
                // allocate() and write_pattern(): the chunks, mapped one by one where
                // get_unmapped_area puts them (top-down: they merge into one VMA), every record written.
                for (var c = 0; c < EbizzyChunks; c++)
                {
                    var map = Operation.Mmap(0, EbizzyChunkPages * Page, rw, MapFlags.Private | MapFlags.Anonymous);
                    var at = (ulong)Expect(space, map, null);
                    if (!Placed(space.Config, map, (long)at))
                        throw new InvalidOperationException($"bench setup: {map} placed at 0x{at:x}, outside the mmap window, on {space.Backend} {space.Config.Name}");
                    WriteEvery(space, at, EbizzyChunkPages, basePages);
                }
                break;
            case BenchWorkload.PageFault2:
            case BenchWorkload.PageFault3:
                // One file per thread; past the mm's file table (TB_MAX_FILES slots: a simulation of
                // 192 CPUs) threads share them round-robin, each still mapping its own copy.
                for (var t = 0; t < threads; t++)
                {
                    fds[t] = t < (int)Abi.MaxFiles
                        ? (int)Expect(space, Operation.FileOpen(WillItScalePages * Page, 0), null)
                        : fds[t % (int)Abi.MaxFiles];
                }
                break;
            case BenchWorkload.Pft:
                // pft's main thread maps one region; each thread then faults its own part.
                Expect(space, Operation.Mmap(PftBase, (ulong)threads * (ulong)opsPerThread * (ulong)basePages * Page, rw,
                    MapFlags.Private | MapFlags.Anonymous), (long)PftBase);
                break;
        }

        var iterations = Math.Max(1, opsPerThread / OpsPerIteration(workload, basePages));
        var streams = new BenchOp[threads][];
        for (var t = 0; t < threads; t++)
            streams[t] = Stream(workload, SplitMix64.Derive(seed, (ulong)t), t, fds[t], iterations, basePages);
        return new BenchPlan(workload, streams);
    }

    /// <summary>
    /// Whether an mmap's <paramref name="result"/> is a mapping the plan can use: MAP_FIXED at
    /// its address; otherwise the hint or, as get_unmapped_area places it, page-aligned inside
    /// the mmap window [mmap_min_addr, mmap_base) (TASK_SIZE without an MMU).
    /// </summary>
    public static bool Placed(ConfigInfo config, in Operation op, long result)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (op.Kind != OpKind.Mmap || result < 0)
            return false;
        var at = (ulong)result;
        if (((MapFlags)op.Flags & MapFlags.Fixed) != 0)
            return at == op.Addr;
        if (op.Addr != 0 && at == op.Addr)
            return true;
        var top = config.Mmu ? config.MmapBase : config.TaskSize;
        return at % config.PageSize == 0 && at >= config.MmapMinAddr && op.Len <= top && at <= top - op.Len;
    }

    private static BenchOp[] Stream(BenchWorkload workload, SplitMix64 rng, int thread, int fd, int iterations, int basePages)
    {
        var ops = new List<BenchOp>(iterations * OpsPerIteration(workload, basePages));
        var stride = (ulong)basePages * Page;
        const Prot rw = Prot.Read | Prot.Write;
        const MapFlags anon = MapFlags.Private | MapFlags.Anonymous;
        for (var i = 0; i < iterations; i++)
        {
            switch (workload)
            {
                case BenchWorkload.Ebizzy:
                    // search_mem with -m -T: mmap a chunk-sized copy, touch every page, munmap.
                    AddIteration(ops, Operation.Mmap(0, EbizzyChunkPages * Page, rw, anon), EbizzyChunkPages / basePages, stride);
                    break;
                case BenchWorkload.PageFault1:
                    AddIteration(ops, Operation.Mmap(0, WillItScalePages * Page, rw, anon), WillItScalePages / basePages, stride);
                    break;
                case BenchWorkload.PageFault2:
                    AddIteration(ops, Operation.Mmap(0, WillItScalePages * Page, rw, MapFlags.Private, fd), WillItScalePages / basePages, stride);
                    break;
                case BenchWorkload.PageFault3:
                    AddIteration(ops, Operation.Mmap(0, WillItScalePages * Page, rw, MapFlags.Shared, fd), WillItScalePages / basePages, stride);
                    break;
                case BenchWorkload.Malloc1:
                    // malloc(128 MiB): sysmalloc's mmap (the request and header rounded up to a
                    // base page), the chunk header written; free: munmap.
                    AddIteration(ops, Operation.Mmap(0, (ulong)(Malloc1Pages - 1 + basePages) * Page, rw, anon), 1, stride);
                    break;
                case BenchWorkload.SingleVma:
                    for (var s = 0; s < SingleVmaFaults; s++)
                        ops.Add(BenchOp.At(Operation.Fault(SharedBase + (ulong)rng.Below(SharedPages) * stride, FaultFlags.Read)));
                    break;
                case BenchWorkload.Pft:
                    ops.Add(BenchOp.At(Operation.Fault(PftBase + ((ulong)thread * (ulong)iterations + (ulong)i) * stride, FaultFlags.Write)));
                    break;
            }
        }
        return [.. ops];
    }

    // mmap(NULL, ...) as the original, a write to each of the first `written` base pages (of
    // `stride` bytes) of what it returned, and the munmap of all of it.
    private static void AddIteration(List<BenchOp> ops, Operation map, int written, ulong stride)
    {
        ops.Add(BenchOp.At(map));
        for (var p = 0; p < written; p++)
            ops.Add(BenchOp.Mapped(Operation.Fault((ulong)p * stride, FaultFlags.Write)));
        ops.Add(BenchOp.Mapped(Operation.Munmap(0, map.Len)));
    }

    // A write to each base page (basePages 4 KiB pages) of `pages` 4 KiB pages from start.
    private static void WriteEvery(IAddressSpace space, ulong start, int pages, int basePages)
    {
        for (var p = 0; p < pages; p += basePages)
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
