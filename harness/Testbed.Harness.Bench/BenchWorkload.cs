// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>The workloads of <c>testbed bench</c>, named after the benchmarks the SPF series was judged by.</summary>
public enum BenchWorkload
{
    /// <summary>ebizzy -mTt: threads mmap, touch and munmap chunks while others fault.</summary>
    Ebizzy,

    /// <summary>will-it-scale page_fault1: per-thread anonymous region, write every page, unmap.</summary>
    PageFault1,

    /// <summary>will-it-scale page_fault2: per-thread private file mapping.</summary>
    PageFault2,

    /// <summary>will-it-scale page_fault3: per-thread shared file mapping.</summary>
    PageFault3,

    /// <summary>will-it-scale malloc1: allocations large enough for malloc to mmap them.</summary>
    Malloc1,

    /// <summary>Every thread faults one shared VMA.</summary>
    SingleVma,

    /// <summary>pft: threads write-fault disjoint parts of one large anonymous VMA.</summary>
    Pft,
}

/// <summary>Names and documentation of <see cref="BenchWorkload"/>.</summary>
public static class BenchWorkloads
{
    /// <summary>Every workload, in report order.</summary>
    public static IReadOnlyList<BenchWorkload> All { get; } = Enum.GetValues<BenchWorkload>();

    /// <summary>The CLI name: "ebizzy", "page-fault1", ..., "single-vma".</summary>
    public static string Name(this BenchWorkload w) => w switch
    {
        BenchWorkload.Ebizzy => "ebizzy",
        BenchWorkload.PageFault1 => "page-fault1",
        BenchWorkload.PageFault2 => "page-fault2",
        BenchWorkload.PageFault3 => "page-fault3",
        BenchWorkload.Malloc1 => "malloc1",
        BenchWorkload.SingleVma => "single-vma",
        BenchWorkload.Pft => "pft",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };

    /// <summary>The workload called <paramref name="name"/>.</summary>
    public static BenchWorkload Parse(string name)
    {
        foreach (var w in All)
        {
            if (w.Name() == name)
                return w;
        }
        throw new ArgumentException($"unknown workload '{name}'; known: {string.Join(", ", All.Select(Name))}", nameof(name));
    }

    /// <summary>What the workload does here, and what it mimics.</summary>
    public static string Mimics(this BenchWorkload w) => w switch
    {
        BenchWorkload.Ebizzy =>
            "ebizzy -mTt (the v11 cover letter's benchmark): 10 chunks of 512 KiB mapped and written at start; " +
            "each iteration a thread mmaps a 512 KiB copy (mmap(NULL): get_unmapped_area places it top-down, " +
            "next to its neighbours, and it merges with them), write-faults each of its pages once (128 of 4 KiB; 8 of 64 KiB on the Power8), munmaps it.",
        BenchWorkload.PageFault1 =>
            "will-it-scale page_fault1: each thread mmaps 128 MiB anonymous private (mmap(NULL), placed top-down), " +
            "write-faults each of its 32,768 pages, munmaps it, loops.",
        BenchWorkload.PageFault2 =>
            "will-it-scale page_fault2: as page-fault1 on a private mapping of the thread's own 128 MiB file " +
            "(write faults on a file VMA: the speculative path gives up on file VMAs).",
        BenchWorkload.PageFault3 =>
            "will-it-scale page_fault3: as page-fault1 on a shared mapping of the thread's own 128 MiB file.",
        BenchWorkload.Malloc1 =>
            "will-it-scale malloc1 as glibc runs it: malloc(128 MiB) is an mmap(NULL) of 128 MiB + 4 KiB " +
            "(get_unmapped_area refills the highest free hole, next to a live chunk: it merges with it and shares " +
            "its anon_vma), one write fault (the chunk header); free is munmap.",
        BenchWorkload.SingleVma =>
            "every thread read-faults random pages of one shared, populated 256-page VMA: all faults " +
            "meet on one VMA's vm_ref_count (SPF) or on mmap_sem's count (classic).",
        BenchWorkload.Pft =>
            "pft (Lespinasse's and the per-VMA-lock series' benchmark): the main thread maps one anonymous " +
            "region; each thread write-faults its own contiguous part, one fault per page.",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };

    /// <summary>Where the original differs from this workload.</summary>
    public static string Differs(this BenchWorkload w) => w switch
    {
        BenchWorkload.Ebizzy =>
            "no address-space randomisation (a fixed mmap_base); the model's page is zeroed, never written with 0xff.",
        BenchWorkload.PageFault1 =>
            "the page is a pool page zeroed (perf flavour), without LRU, memcg or rmap accounting.",
        BenchWorkload.PageFault2 =>
            "the COW copy from the page cache is a zeroed pool page; no page-cache lookup or LRU work.",
        BenchWorkload.PageFault3 =>
            "no page-cache lookup, dirtying or writeback accounting: the fault installs the entry only.",
        BenchWorkload.Malloc1 =>
            "glibc's arena bookkeeping is not modelled; no address-space randomisation (a fixed mmap_base).",
        BenchWorkload.SingleVma =>
            "no published anchor: the worst case for vm_ref_count that Peter Zijlstra's reading points at.",
        BenchWorkload.Pft =>
            "one run faults each part once (no unmap and repeat), and the region is sized by --ops.",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };
}
