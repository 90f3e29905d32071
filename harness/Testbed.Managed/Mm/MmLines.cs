// SPDX-License-Identifier: GPL-2.0-only
// The 64-byte cache lines of struct mm_struct (include/linux/mm_types.h, x86_64): 4.16 with
// the SPF series' mm_rb_lock, and 6.4 for the per-VMA-lock designs.
namespace Testbed.Managed.Mm;

/// <summary>One 64-byte line of an mm_struct, named by what the model touches on it.</summary>
internal sealed class MmLine(string name)
{
    /// <summary>The line's name in a simulation's report.</summary>
    public string Name => name;

    /// <inheritdoc/>
    public override string ToString() => name;
}

/// <summary>
/// Which line of the kernel's struct mm_struct each field the model touches sits on, so that a
/// simulation moves one line where the kernel's CPUs move one, not one per lock. mm_struct comes
/// from a SLAB_HWCACHE_ALIGN cache (kernel/fork.c, proc_caches_init), so it starts on a line.
/// 4.16 on x86_64 (SPF v9 inserts the 8-byte rwlock_t mm_rb_lock after mm_rb; offsets without
/// and with it): mmap 0, mm_rb 8, [mm_rb_lock 16], vmacache_seqnum 16|24, get_unmapped_area,
/// mmap_base, mmap_legacy_base, mmap_compat_base, mmap_compat_legacy_base, task_size,
/// highest_vm_end, pgd 80|88, mm_users, mm_count, pgtables_bytes, map_count,
/// page_table_lock 108|116, then mmap_sem (4.16's count, wait_list, wait_lock, osq, owner) at
/// 112|120: count on line 1 with pgd and page_table_lock; wait_list at 120..135 (mmu: its next
/// pointer on line 1, its prev on line 2) or 128..143 (SPF: line 2); wait_lock, osq and owner on
/// line 2. 6.4 (per-VMA locks), before 6.5 gave mm_count a line of its own: mm_mt (its root at
/// 8) on line 0, pgd 64, membarrier_state, mm_users, mm_count, SCHED_MM_CID's pcpu_cid and
/// mm_cid_next_scan, pgtables_bytes, map_count, page_table_lock 116 and mmap_lock at 120, the
/// offset its comment keeps on purpose so that 5.x's rw_semaphore (count, owner, osq, wait_lock,
/// wait_list) has its count on line 1 with pgd and its owner, osq, wait_lock and wait_list on
/// line 2: the same split as 4.16's.
/// </summary>
internal sealed class MmLines
{
    /// <param name="spf">4.16 with the SPF series: mm_rb_lock on the tree's line, wait_list whole on line 2.</param>
    /// <param name="perVmaLock">6.4's layout (the per-VMA-lock designs).</param>
    public MmLines(bool spf, bool perVmaLock)
    {
        Tree = new MmLine(perVmaLock ? "mm_mt" : spf ? "mm_rb_lock" : "mm_rb");
        Sem = new MmLine("mmap_sem");
        SemWait = new MmLine("mmap_sem wait");
        SemWaitListHead = spf || perVmaLock ? SemWait : Sem;
    }

    /// <summary>The VMA tree's root (4.16: mmap, mm_rb, mm_rb_lock with SPF, vmacache_seqnum; 6.4: mm_mt).</summary>
    public MmLine Tree { get; }

    /// <summary>pgd, page_table_lock and mmap_sem's count.</summary>
    public MmLine Sem { get; }

    /// <summary>mmap_sem's owner, wait_lock, osq and wait_list's tail pointer.</summary>
    public MmLine SemWait { get; }

    /// <summary>mmap_sem's wait_list.next: on <see cref="Sem"/> in 4.16 without SPF, which straddles it, else on <see cref="SemWait"/>.</summary>
    public MmLine SemWaitListHead { get; }
}
