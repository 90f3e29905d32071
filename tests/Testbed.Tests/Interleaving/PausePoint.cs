// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Tests.Interleaving;

/// <summary>Where <see cref="SchedGate"/> stops the speculative fault (after get_vma).</summary>
public enum PausePoint
{
    /// <summary>The first SEQ_READ of the fault thread: before it samples vm_sequence.</summary>
    SequenceSample,

    /// <summary>The first LOCK after that SEQ_READ: before it takes page_table_lock to install.</summary>
    PageTableLock,

    /// <summary>
    /// Per-VMA locks: the fault's first LOCK (its walk, mas_walk of mm_mt under RCU, takes
    /// none): vma_start_read's trylock of vm_lock, after its first vm_lock_seq check, inside
    /// the RCU read-side section and holding no lock.
    /// </summary>
    VmaLock,

    /// <summary>Per-VMA locks: the LOCK after that: page_table_lock, with vm_lock held for read.</summary>
    PageTableLockUnderVmaLock,

    /// <summary>
    /// The fault thread's first PREEMPT: after its bounds, flags and policy checks, before the
    /// vm_sequence re-check that validates them.
    /// </summary>
    BoundsRecheck,

    /// <summary>The fault thread is never stopped (a spec that stops the writer instead).</summary>
    Never,
}
