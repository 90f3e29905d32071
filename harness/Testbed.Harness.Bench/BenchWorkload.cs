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
            "ebizzy -mTt (the v11 cover letter's benchmark): each iteration a thread mmaps an 8-page chunk, " +
            "write-faults it, read-faults 16 random pages of a 256-page region all threads share, and munmaps " +
            "the chunk; writers hold mmap_sem while the other threads fault.",
        BenchWorkload.PageFault1 =>
            "will-it-scale page_fault1: each thread maps its own 32-page anonymous private region, " +
            "write-faults every page, unmaps it, loops.",
        BenchWorkload.PageFault2 =>
            "will-it-scale page_fault2: as page-fault1 on a private mapping of the thread's own file " +
            "(write faults on a file VMA: the speculative path gives up on file VMAs).",
        BenchWorkload.PageFault3 =>
            "will-it-scale page_fault3: as page-fault1 on a shared mapping of the thread's own file.",
        BenchWorkload.Malloc1 =>
            "will-it-scale malloc1: malloc and free of a chunk large enough to be mmapped: " +
            "mmap 32 pages, one write fault (the chunk header), munmap.",
        BenchWorkload.SingleVma =>
            "every thread read-faults random pages of one shared, populated 256-page VMA: all faults " +
            "meet on one VMA's vm_ref_count (SPF) or on mmap_sem's count (classic).",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };

    /// <summary>Where the original differs from this workload.</summary>
    public static string Differs(this BenchWorkload w) => w switch
    {
        BenchWorkload.Ebizzy =>
            "ebizzy copies and searches real records (memcpy/compare cost) and sizes chunks at random; the " +
            "model has no page contents, so a fault is a lookup plus a page-table insert.",
        BenchWorkload.PageFault1 or BenchWorkload.PageFault2 or BenchWorkload.PageFault3 =>
            "the original maps 128 MiB per iteration and allocates, zeroes (or reads from the page cache) and " +
            "frees real pages, the dominant cost there; here 32 pages and no page contents.",
        BenchWorkload.Malloc1 =>
            "the original runs glibc malloc/free of 128 MiB (mmap + munmap, untouched); the header write is " +
            "modelled as one fault.",
        BenchWorkload.SingleVma =>
            "no published anchor: the worst case for vm_ref_count that Peter Zijlstra's reading points at.",
        _ => throw new ArgumentOutOfRangeException(nameof(w)),
    };
}
