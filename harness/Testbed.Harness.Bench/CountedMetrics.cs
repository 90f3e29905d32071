// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// The machine-independent costs of one (workload, config, threads), counted by the checked
/// native library (tb_counts, tb_stats) over one run: per fault and per operation, the writes
/// to mm-wide lines (mmap_sem, mm_rb_lock, page_table_lock: every thread writes them, whoever
/// takes them), to the split PTE locks (one per page-table page), to per-VMA lines
/// (vm_ref_count, ...) and, apart, to the testbed's own bookkeeping (no design cost: the fault
/// statistics are per thread and write nothing shared); the acquisitions that waited; the
/// speculative attempts that were wasted (aborted, then the classic path); and per 1000 faults
/// the writer sections that exclude faults: mmap_sem held for write (a whole mmap, munmap,
/// mprotect or mbind: every classic fault waits) and mm_rb_lock held for write (one rb-tree insert
/// or erase: what a speculative fault's get_vma waits for), and their length per fault in
/// scheduling points (lock operations, atomics, seqcount writes) run inside them.
/// </summary>
public sealed record CountedMetrics(
    string Workload,
    string Config,
    int Threads,
    long Ops,
    long Faults,
    double MmapSemPerFault,
    double MmRbLockPerFault,
    double PageTableLockPerFault,
    double PtlPerFault,
    double VmaPerFault,
    double BookkeepingPerFault,
    double MmWidePerOp,
    double VmaPerOp,
    double FaultReadWaitsPerKFault,
    double FaultReadWaitsBehindWriterPerKFault,
    double WriterWaitsPerKOp,
    double WastedSpeculativePerFault,
    double MmapSemWriterSectionsPerKFault,
    double MmRbLockWriterSectionsPerKFault,
    double MmapSemWriterStepsPerFault,
    double MmRbLockWriterStepsPerFault,
    long SpeculativeSuccess,
    IReadOnlyDictionary<string, long> AbortReasons)
{
    /// <summary>mmap_sem + mm_rb_lock + page_table_lock writes per fault: the mm-wide lines the kernel shares too.</summary>
    public double MmWidePerFault => MmapSemPerFault + MmRbLockPerFault + PageTableLockPerFault;
}
