// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Managed;

/// <summary>
/// Test-only switches of the managed port. Each one deliberately changes one rule of
/// the model, so tests can show that the sequential differential against the native
/// model and the concurrency checks notice a wrong rule. All are off by default.
/// </summary>
public sealed record ManagedOptions
{
    /// <summary>
    /// is_mergeable_anon_vma always answers yes: VMAs with different anon_vmas merge
    /// (and anon_vma_merge then reports the mismatch as a violation).
    /// </summary>
    public bool TestOnlyIgnoreAnonVmaInMerge { get; init; }

    /// <summary>
    /// The speculative fault skips its re-check under the page-table lock (node still
    /// in the tree, sequence unchanged), so a racing munmap can leave a stale page.
    /// </summary>
    public bool TestOnlySkipSpeculativeRecheck { get; init; }

    /// <summary>One protocol mutant of the port (<see cref="ManagedMutant"/>), for <c>testbed mutants</c>.</summary>
    public ManagedMutant TestOnlyMutant { get; init; }

    /// <summary>
    /// RCU designs (mmu-spf-rcu, mmu-pvl): a freed VMA's RCU callback runs at once instead of
    /// through call_rcu, so a fault still inside its read-side section can use a freed VMA.
    /// </summary>
    public bool TestOnlyFreeWithoutGracePeriod { get; init; }

    /// <summary>mmu-spf-rcu: the speculative fault ends its read-side section right after the lookup, then uses the VMA.</summary>
    public bool TestOnlyRcuUnlockBeforeUse { get; init; }

    /// <summary>mmu-pvl: vma_start_read skips the vm_lock_seq re-check after its trylock.</summary>
    public bool TestOnlySkipVmLockSeqRecheck { get; init; }

    /// <summary>mmu-pvl: vma_start_write does nothing: VMAs change without being marked write-locked.</summary>
    public bool TestOnlySkipVmaStartWrite { get; init; }

    /// <summary>The bits reported as ConfigInfo.TestFlags (0 when no switch is on).</summary>
    public uint TestFlags =>
        (TestOnlyIgnoreAnonVmaInMerge ? 1u : 0u) | (TestOnlySkipSpeculativeRecheck ? 2u : 0u) |
        (TestOnlyFreeWithoutGracePeriod ? 4u : 0u) | (TestOnlyRcuUnlockBeforeUse ? 8u : 0u) |
        (TestOnlySkipVmLockSeqRecheck ? 16u : 0u) | (TestOnlySkipVmaStartWrite ? 32u : 0u) |
        (TestOnlyMutant != ManagedMutant.None ? 64u : 0u);
}
