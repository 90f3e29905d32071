// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed;

/// <summary>
/// Protocol mutants of the managed port, for <c>testbed mutants</c> (docs/mutants.md): each
/// breaks one rule of the SPF locking protocol, as the native -DTB_MUTANT_* builds do.
/// Selected through <see cref="ManagedOptions.TestOnlyMutant"/>; never on by default.
/// </summary>
public enum ManagedMutant
{
    /// <summary>The correct port.</summary>
    None = 0,

    /// <summary>get_vma takes its reference after mm_rb_lock is released.</summary>
    GetVmaRefAfterUnlock = 1,

    /// <summary>__vma_rb_erase erases without mm_rb_lock.</summary>
    EraseUnlocked = 2,

    /// <summary>put_vma never frees the VMA whose last reference it drops.</summary>
    PutVmaLeak = 3,

    /// <summary>The speculative fault spins on the page-table lock (spin_lock, not spin_trylock) with interrupts off.</summary>
    SpinOnPtl = 4,

    /// <summary>The speculative fault does not re-check vm_sequence after its bounds check.</summary>
    SkipBoundsRecheck = 5,

    /// <summary>vma_replace_policy replaces the policy without the VMA's write lock (6.4 before "mm/mempolicy: Take VMA lock before replacing policy").</summary>
    ReplacePolicyUnlocked = 6,

    /// <summary>expand_downwards expands the stack without write-locking its VMA (6.4 before "mm: lock a vma before stack expansion"); the order trace still marks the write section.</summary>
    ExpandStackUnlocked = 7,

    /// <summary>mmu-vmrefcnt: vma_start_read does not check that the VMA it counted is still its mm's.</summary>
    VmRefcntNoMmRecheck = 8,

    /// <summary>mmu-vmrefcnt: lock_vma_under_rcu does not re-check the range after the count.</summary>
    VmRefcntNoRangeRecheck = 9,

    /// <summary>mmu-vmrefcnt: the writer adds VMA_LOCK_OFFSET but does not wait for the readers to drain.</summary>
    VmRefcntWriterNoWait = 10,

    /// <summary>dup_mmap copies the parent's VMAs without vma_start_write (mmu-pvl; 6.4 before "fork: lock VMAs of the parent process when forking"); the order trace still marks the write section.</summary>
    ForkUnlocked = 11,
}
