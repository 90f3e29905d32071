// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Tests.Interleaving;

/// <summary>Where <see cref="SchedGate"/> stops the speculative fault (after get_vma).</summary>
public enum PausePoint
{
    /// <summary>The first SEQ_READ of the fault thread: before it samples vm_sequence.</summary>
    SequenceSample,

    /// <summary>The first LOCK after that SEQ_READ: before it takes page_table_lock to install.</summary>
    PageTableLock,
}
