// SPDX-License-Identifier: GPL-2.0-only
// The managed counterpart of the native counted costs (native/kernel/count.h and the line
// classifier in native/api/api.c), for the faults of one mm.
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>
/// The line writes of one mm's faults, by class, counted from the scheduling hook (checked
/// flavour) as the native library counts them: a lock acquire and a release are one write
/// each, a protocol atomic one, a seqcount write section's begin and end one each. The
/// mm-wide lines are mmap_sem, mm_rb_lock and page_table_lock, whoever takes them.
/// </summary>
internal sealed class LineCounts(MmStruct mm)
{
    /// <summary>mmap_sem acquires + releases.</summary>
    public long MmapSem;

    /// <summary>mm_rb_lock acquires + releases.</summary>
    public long MmRbLock;

    /// <summary>mm->page_table_lock acquires + releases.</summary>
    public long PageTableLock;

    /// <summary>Split PTE lock acquires + releases.</summary>
    public long Ptl;

    /// <summary>Per-VMA and per-object writes (vm_ref_count, vm_lock, anon_vma degree, refs).</summary>
    public long Vma;

    /// <summary>vm_sequence write begin + end.</summary>
    public long Seq;

    /// <summary>The writes to the mm-wide lines.</summary>
    public long MmWide => MmapSem + MmRbLock + PageTableLock;

    /// <summary>The hook: counts the point if this thread runs a fault of the mm.</summary>
    public void OnPoint(SchedPoint point, object? obj)
    {
        var task = TaskStruct.Current;
        if (task.Mm != mm || task.Op != OpKind.Fault)
            return;
        switch (point)
        {
            case SchedPoint.SeqBegin or SchedPoint.SeqEnd:
                Seq++;
                return;
            case SchedPoint.Lock or SchedPoint.Unlock or SchedPoint.Atomic:
                break;
            default:
                return;
        }
        if (ReferenceEquals(obj, mm.MmapSem))
            MmapSem++;
        else if (ReferenceEquals(obj, mm.MmRbLock))
            MmRbLock++;
        else if (ReferenceEquals(obj, mm.PageTableLock))
            PageTableLock++;
        else if (obj is SpinLockT)
            Ptl++;
        else
            Vma++;
    }
}
