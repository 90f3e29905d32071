// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Managed;

namespace Testbed.Harness.Mutants;

/// <summary>
/// The public mutant catalog. A native entry's metadata is also the leading text of its patch,
/// native/mutants/&lt;name&gt;.patch; docs/mutants.md lists the same table; the managed entries name
/// every <see cref="ManagedMutant"/> value. MutantCatalogSpecs holds the four together.
/// </summary>
public static class MutantCatalog
{
    /// <summary>Every mutant, native first.</summary>
    public static IReadOnlyList<Mutant> All { get; } =
    [
        new("get-vma-unlocked", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "get_vma walks mm_rb without mm_rb_lock", "pct"),
        new("get-vma-ref-after-unlock", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "get_vma takes its reference after mm_rb_lock is released", "pct"),
        new("erase-unlocked", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "__vma_rb_erase erases without mm_rb_lock", "pct"),
        new("get-vma-no-ref", MutantKind.Protocol, "reference counting", "mmu-spf", false,
            "get_vma takes no reference (put_vma still drops one)", "pct"),
        new("spf-abort-double-put", MutantKind.Protocol, "reference counting", "mmu-spf", true,
            "a speculative fault that aborts puts its VMA twice", "pct"),
        new("spf-no-seq-check", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "the speculative fault's checks ignore vm_sequence (only the detached node counts)", "pct"),
        new("spf-no-recheck-under-ptl", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "the speculative fault does not re-check the VMA under the page-table lock", "pct"),
        new("spf-no-bounds-recheck", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "the speculative fault does not re-check vm_sequence after its bounds check", "pct"),
        new("spf-ptl-spin", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "the speculative fault spins on the page-table lock (spin_lock, not spin_trylock) with interrupts off", "pct"),
        new("mbind-no-vma-lock", MutantKind.Protocol, "lock placement", "mmu-pvl", true,
            "vma_replace_policy replaces the policy without vma_start_write (6.4's bug, fixed by \"mm/mempolicy: Take VMA lock before replacing policy\")", "pct"),
        new("expand-stack-no-vma-lock", MutantKind.Protocol, "lock placement", "mmu-pvl", true,
            "expand_downwards moves the stack's vm_start without vma_start_write (6.4's bug, fixed by \"mm: lock a vma before stack expansion\"); the order trace still marks the write section", "pct"),
        new("vmrefcnt-no-mm-recheck", MutantKind.Protocol, "reuse re-checks", "mmu-vmrefcnt", true,
            "vma_start_read does not check that the VMA it counted is still its mm's (a typesafe VMA reused by another mm)", "pct"),
        new("vmrefcnt-no-range-recheck", MutantKind.Protocol, "reuse re-checks", "mmu-vmrefcnt", true,
            "lock_vma_under_rcu does not re-check the address against the VMA's range after the count (a VMA reused for another range)", "pct"),
        new("vmrefcnt-writer-no-wait", MutantKind.Protocol, "reference counting", "mmu-vmrefcnt", true,
            "__vma_enter_locked adds VMA_LOCK_OFFSET but does not wait for the readers to drain", "pct"),
        new("mprotect-no-seqcount", MutantKind.Protocol, "sequence counts", "mmu-spf", false,
            "mprotect_fixup changes vm_flags outside a vm_sequence write section", "differential"),
        new("vma-adjust-no-seqcount", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "__vma_adjust changes the VMA's bounds outside its vm_sequence write section", "pct"),
        new("no-clear-node", MutantKind.Protocol, "node clearing", "mmu-spf", false,
            "__vma_rb_erase does not RB_CLEAR_NODE the erased VMA", "pct"),
        new("tree-ref-frees", MutantKind.Protocol, "free paths", "mmu-spf", true,
            "dropping the tree's reference frees the VMA at once (not put_vma), under get_vma holders", "pct"),
        new("put-vma-leak", MutantKind.Protocol, "free paths", "mmu-spf", false,
            "put_vma never frees the VMA whose last reference it drops", "pct"),
        new("nommu-share-no-get", MutantKind.Protocol, "nommu region references", "nommu", false,
            "sharing an existing vm_region does not take a vm_usage reference", "pct"),
        new("nommu-put-no-dec", MutantKind.Protocol, "nommu region references", "nommu", false,
            "__put_nommu_region does not drop vm_usage", "pct"),
        new("merge-any-anon-vma", MutantKind.Fidelity, "merge rules", "mmu-spf", false,
            "is_mergeable_anon_vma accepts any two anon_vmas", "differential"),
        new("merge-ignore-write", MutantKind.Fidelity, "merge rules", "mmu-spf", false,
            "is_mergeable_vma ignores a VM_WRITE difference", "differential"),
        new("split-map-count", MutantKind.Fidelity, "accounting", "mmu-spf", false,
            "__insert_vm_struct (split's new half) does not count the VMA in map_count", "pct"),
        new("managed-get-vma-ref-after-unlock", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "managed port: get_vma takes its reference after mm_rb_lock is released", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.GetVmaRefAfterUnlock }),
        new("managed-erase-unlocked", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "managed port: __vma_rb_erase erases without mm_rb_lock", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.EraseUnlocked }),
        new("managed-put-vma-leak", MutantKind.Protocol, "free paths", "mmu-spf", false,
            "managed port: put_vma never frees the VMA whose last reference it drops", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.PutVmaLeak }),
        new("managed-skip-speculative-recheck", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "managed port: the speculative fault skips its re-checks around the page-table lock", "pct",
            new ManagedOptions { TestOnlySkipSpeculativeRecheck = true }),
        new("managed-spf-ptl-spin", MutantKind.Protocol, "lock placement", "mmu-spf", true,
            "managed port: the speculative fault spins on the page-table lock with interrupts off", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.SpinOnPtl }),
        new("managed-spf-no-bounds-recheck", MutantKind.Protocol, "sequence counts", "mmu-spf", true,
            "managed port: no vm_sequence re-check after the bounds check", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.SkipBoundsRecheck }),
        new("managed-mbind-no-vma-lock", MutantKind.Protocol, "lock placement", "mmu-pvl", true,
            "managed port: vma_replace_policy without vma_start_write", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.ReplacePolicyUnlocked }),
        new("managed-expand-stack-no-vma-lock", MutantKind.Protocol, "lock placement", "mmu-pvl", true,
            "managed port: expand_downwards without vma_start_write", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.ExpandStackUnlocked }),
        new("managed-vmrefcnt-no-mm-recheck", MutantKind.Protocol, "reuse re-checks", "mmu-vmrefcnt", true,
            "managed port: vma_start_read does not check the counted VMA's mm", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.VmRefcntNoMmRecheck }),
        new("managed-vmrefcnt-no-range-recheck", MutantKind.Protocol, "reuse re-checks", "mmu-vmrefcnt", true,
            "managed port: lock_vma_under_rcu does not re-check the range after the count", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.VmRefcntNoRangeRecheck }),
        new("managed-vmrefcnt-writer-no-wait", MutantKind.Protocol, "reference counting", "mmu-vmrefcnt", true,
            "managed port: the writer does not wait for vm_refcnt's readers to drain", "pct",
            new ManagedOptions { TestOnlyMutant = ManagedMutant.VmRefcntWriterNoWait }),
        new("managed-merge-ignore-anon-vma", MutantKind.Fidelity, "merge rules", "mmu-spf", false,
            "managed port: is_mergeable_anon_vma always answers yes", "differential",
            new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = true }),
    ];

    /// <summary>The mutant called <paramref name="name"/>; throws listing the names if there is none.</summary>
    public static Mutant Find(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown mutant '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})", nameof(name));
}
