/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm/mm_types.h - struct mm_struct, vm_area_struct and anon_vma of the model.
 *
 * Mirrors include/linux/mm_types.h of 4.16 with the SPF series applied,
 * reduced to what mmap.c, mprotect.c, mbind_range and the anonymous fault
 * path read.  Fields marked "test-only" do not exist in the kernel.
 */
#ifndef _TB_MM_TYPES_H
#define _TB_MM_TYPES_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/current.h"
#include "kernel/rbtree.h"
#include "kernel/rcupdate.h"
#include "kernel/rwlock.h"
#include "kernel/rwsem.h"
#include "kernel/seqlock.h"
#include "kernel/spinlock.h"
#include "maple/maple.h"

/*
 * The fault designs (native/configs.mk):
 *  - mmu-spf (CONFIG_SPECULATIVE_PAGE_FAULT): get_vma walks mm_rb under
 *    mm_rb_lock and pins the VMA with vm_ref_count;
 *  - mmu-spf-rcu (+ CONFIG_SPF_RCU): the same fault path, but the VMA
 *    found is kept alive by the RCU read-side section, not a reference;
 *  - mmu-spf-v9 (+ CONFIG_SPF_REUSE_VMA): mmu-spf whose speculative
 *    attempt, when it gives up, hands its pinned VMA to the classic path,
 *    which reuses it instead of find_vma (SPF v9's can_reuse_spf_vma);
 *  - mmu-pvl (CONFIG_PER_VMA_LOCK): 6.4's per-VMA locks;
 *  - mmu-vmrefcnt (+ CONFIG_VMA_REFCNT): 6.15's vm_refcnt in place of
 *    the per-VMA rw_semaphore and the detached flag, on a VMA cache that
 *    is SLAB_TYPESAFE_BY_RCU (a freed VMA is reused at once, no call_rcu).
 * TB_VMA_REFCOUNT: VMAs carry vm_ref_count.  TB_MM_RB_LOCK: mm_rb is
 * walked without mmap_sem under mm_rb_lock (mmu-spf only).
 * TB_VMA_FREE_RCU: a VMA is freed only after a grace period (not on
 * mmu-vmrefcnt: its cache is typesafe by RCU instead).  TB_MM_MT: the
 * fault finds a VMA without mmap_sem in mm_mt, the kernel's maple tree
 * (maple/maple.h), walked under RCU alone as 6.4 does (every design
 * after SPF).
 */
#if defined(CONFIG_SPF_RCU) && !defined(CONFIG_SPECULATIVE_PAGE_FAULT)
#error "CONFIG_SPF_RCU is a variant of CONFIG_SPECULATIVE_PAGE_FAULT"
#endif
#if defined(CONFIG_PER_VMA_LOCK) && defined(CONFIG_SPECULATIVE_PAGE_FAULT)
#error "CONFIG_PER_VMA_LOCK replaces CONFIG_SPECULATIVE_PAGE_FAULT"
#endif
#if defined(CONFIG_SPECULATIVE_PAGE_FAULT) && !defined(CONFIG_SPF_RCU)
#define TB_VMA_REFCOUNT 1
#endif
#ifdef TB_VMA_REFCOUNT
#define TB_MM_RB_LOCK 1
#endif
#if defined(CONFIG_VMA_REFCNT) && !defined(CONFIG_PER_VMA_LOCK)
#error "CONFIG_VMA_REFCNT is a variant of CONFIG_PER_VMA_LOCK"
#endif
#if defined(CONFIG_SPF_RCU) || \
	(defined(CONFIG_PER_VMA_LOCK) && !defined(CONFIG_VMA_REFCNT))
#define TB_VMA_FREE_RCU 1
#endif
#if defined(CONFIG_SPF_RCU) || defined(CONFIG_PER_VMA_LOCK)
#define TB_MM_MT 1
#endif

struct file;
struct mempolicy;
struct mm_struct;

/* include/linux/mm.h: the vm_flags the model uses (kernel values). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_PFNMAP	0x00000400UL
#define VM_IO		0x00004000UL
#define VM_DONTCOPY	0x00020000UL	/* madvise(MADV_DONTFORK) */
#define VM_DONTEXPAND	0x00040000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_WIPEONFORK	0x02000000UL	/* madvise(MADV_WIPEONFORK) */
#define VM_MIXEDMAP	0x10000000UL
#define VM_SOFTDIRTY	0

/* Never set by the model, kept so vma_merge reads like the kernel's. */
#define VM_SPECIAL	(VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/*
 * The anon_vma, reduced to a link count and its parent.  The kernel's
 * anon_vma_chain (one avc per anon_vma a VMA links) is implied: a VMA
 * links its own anon_vma and every ancestor of it (anon_vma_fork gives a
 * child VMA a new anon_vma whose parent is the parent VMA's, and links
 * the parent's chain too), so the chain is the walk up ->parent and
 * list_is_singular(&vma->anon_vma_chain) is "anon_vma set, no parent".
 * degree counts the VMAs linking it (the kernel's avcs on it); it is
 * freed when the last one unlinks it.  4.16's reuse of an ancestor with
 * degree < 2 by anon_vma_clone is not modelled (docs/model.md, Fork).
 */
struct anon_vma {
	atomic_t degree;		/* VMAs linking this anon_vma */
	struct anon_vma *parent;	/* the parent VMA's at fork, or NULL */
	u64 tb_id;			/* test-only: per-mm object id */
};

struct vm_area_struct {
	unsigned long vm_start;		/* first byte */
	unsigned long vm_end;		/* first byte after */
	struct vm_area_struct *vm_next, *vm_prev;
	struct rb_node vm_rb;
	/* largest free gap left of vm_start in this subtree (augmented) */
	unsigned long rb_subtree_gap;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	struct file *vm_file;
	struct anon_vma *anon_vma;
	/*
	 * The kernel's !list_empty(&anon_vma_chain): the VMA's avc is in
	 * its anon_vma, so rmap finds the pages it maps under it.  Set by
	 * the link after anon_vma is (a merge's importer, dup_anon_vma).
	 */
	bool anon_vma_linked;
	struct mempolicy *vm_policy;
	/* SPF: odd while the fields are being changed (also kept, and
	 * reported, without SPF: the write sides are the same code) */
	seqcount_t vm_sequence;
#ifdef TB_VMA_REFCOUNT
	atomic_t vm_ref_count;		/* 1 for the tree + one per get_vma */
#endif
#if defined(CONFIG_PER_VMA_LOCK) && !defined(CONFIG_VMA_REFCNT)
	/* == mm->mm_lock_seq: write-locked until mmap_write_unlock */
	int vm_lock_seq;
	/* 6.4 allocates it apart (vma->vm_lock->lock); inline here */
	struct rw_semaphore vm_lock;
	bool detached;			/* left the tree (vma_mark_detached) */
#endif
#ifdef TB_VMA_FREE_RCU
	/* handed to call_rcu by vm_area_free (6.4: in a union) */
	struct rcu_head vm_rcu;
#endif
#ifndef CONFIG_MMU
	struct vm_region *vm_region;	/* the region backing this VMA */
#endif
	u64 tb_id;			/* test-only: per-mm object id */
#ifdef CONFIG_VMA_REFCNT
	/*
	 * Last, and never cleared by vm_area_alloc (vma_clear): the VMA
	 * cache is typesafe by RCU, and a reader holding a stale pointer
	 * reads these two of a VMA that may be free or reused.
	 * vm_lock_seq: == mm->mm_lock_seq while write-locked.
	 * vm_refcnt: 0 detached (free VMAs too), 1 attached, 1 + n with n
	 * readers; + VMA_LOCK_OFFSET while a writer excludes readers.
	 */
	int vm_lock_seq;
	atomic_t vm_refcnt;
#endif
};

static inline struct mempolicy *vma_policy(struct vm_area_struct *vma)
{
	return vma->vm_policy;
}

static inline unsigned long vma_pages(struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/*
 * No stack guard gap at placement: the model's unmapped-area search ignores
 * VM_GROWSDOWN (4.16 keeps stack_guard_gap clear below a stack there too);
 * only expand_downwards enforces the gap (docs/model.md, Stack growth).
 */
static inline unsigned long vm_start_gap(struct vm_area_struct *vma)
{
	return vma->vm_start;
}

static inline unsigned long vm_end_gap(struct vm_area_struct *vma)
{
	return vma->vm_end;
}

/*
 * The page-table model: one page-table page (struct pte_table) per PMD,
 * i.e. per 512 PTEs (2 MiB), allocated when a fault first needs it and
 * kept until the mm goes (the kernel's free_pgtables frees it on unmap;
 * see docs/model.md).  Each entry is the id of the VMA that populated the
 * page, 0 for none (ids start at 1; pages are not model objects: no ids,
 * no events).  Each table has its own lock, as the kernel's split PTE
 * locks (ptlock_ptr): faults on different tables never write a common
 * line.  The tables are found through a small hash of PMD addresses,
 * which stands in for the pgd..pmd levels: appended under
 * mm->page_table_lock (as __pte_alloc's pmd_populate), read without it.
 */
#define PTRS_PER_PTE	512
#define PMD_SHIFT	(PAGE_SHIFT + 9)
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PT_DIR_BUCKETS	256

/*
 * A PTE: the id of the VMA that populated the page, and flags above it.
 * PTE_ANON: the page is an anonymous page of this mm (a private write
 * installed it, do_anonymous_page or wp_page_copy), not the zero page or
 * a page-cache page.  PTE_COW: fork write-protected it (copy_one_pte on a
 * COW mapping): a write fault goes to do_wp_page.  The model treats every
 * other present PTE as writable where the VMA is (see docs/model.md).
 * PTE_TLB_STALE (test-only): the write protection is not yet flushed
 * from the TLB (dup_mmap flushes once, at its end), so another thread of
 * the mm may still write the page through its old writable entry.
 */
#define PTE_ANON	(1ULL << 63)
#define PTE_COW		(1ULL << 62)
#define PTE_TLB_STALE	(1ULL << 61)
#define PTE_FLAGS	(PTE_ANON | PTE_COW | PTE_TLB_STALE)

static inline u64 pte_vma_id(u64 pte)
{
	return pte & ~PTE_FLAGS;
}

/*
 * An anonymous page mapped by more than one mm (fork shared it): its
 * mapcount (page_mapcount) and, in the perf flavour, its memory.  A page
 * mapped once has none: faults that never meet a fork pay nothing.
 */
struct page_share {
	atomic_t mapcount;
	void *data;			/* perf flavour: the page; else NULL */
};

struct pte_table {
	spinlock_t ptl;			/* split PTE lock */
	unsigned long addr;		/* first address mapped (PMD aligned) */
	struct pte_table *next;		/* directory chain */
	struct pte_table *next_by_ptl;	/* test-only: chain by lock address */
	unsigned int nr_pages;		/* populated entries, under ptl */
	u64 pte[PTRS_PER_PTE];		/* VMA id | PTE_* flags */
	/* the shared pages, allocated by the first fork that shares one */
	struct page_share **share;
#ifdef TB_PERF
	void *page[PTRS_PER_PTE];	/* the page a private write installed */
#endif
};

struct pt_model {
	struct pte_table **dir;		/* PT_DIR_BUCKETS chains, append-only */
	/* test-only: the same tables hashed by lock address (pt_is_ptlock) */
	struct pte_table **by_ptl;
	unsigned long nr_tables;	/* under mm->page_table_lock */
};

/*
 * Why a speculative fault gave up and fell back to the classic path
 * (the API layer translates them into tb_stats' spf_abort_* fields).
 */
enum spf_abort {
	SPF_ABORT_NO_VMA,		/* get_vma found nothing covering addr */
	SPF_ABORT_SEQ_ODD,		/* vm_sequence odd: VMA being changed */
	SPF_ABORT_SEQ_CHANGED,		/* vm_sequence moved before install */
	SPF_ABORT_DETACHED,		/* vm_rb empty: VMA left the tree */
	SPF_ABORT_ACCESS,		/* rights do not allow it */
	SPF_ABORT_NOT_ANON,		/* vm_ops: not speculative */
	SPF_ABORT_NO_ANON_VMA,		/* anon_vma not yet set */
	SPF_ABORT_MPOL,			/* MPOL_INTERLEAVE policy */
	SPF_ABORT_PTL_BUSY,		/* page_table_lock trylock failed */
	SPF_ABORT_NR,
};

/*
 * The fault statistics (tb_stats), counted as the kernel counts its vm
 * events (count_vm_event: per CPU, summed when read): one block per
 * thread that faulted in the mm, written by that thread only, so that a
 * fault writes no line another thread writes.  mm/vmstat.c.
 */
struct mm_fault_events {
	u64 faults;
	u64 spf_attempts;
	u64 spf_success;
	u64 spf_abort[SPF_ABORT_NR];
	u64 classic_faults;
	u64 fallbacks;
	u64 spf_vma_reused;	/* fallbacks that skipped find_vma (v9) */
	u64 segv;
};

struct mm_fault_events_block {
	struct mm_fault_events ev;
	struct mm_fault_events_block *next;
	const void *owner;		/* the thread (its task_struct) */
} __attribute__((aligned(64)));

struct mm_struct {
	struct vm_area_struct *mmap;	/* list of VMAs, sorted */
	struct rb_root mm_rb;
#ifdef TB_MM_RB_LOCK
	rwlock_t mm_rb_lock;		/* protects mm_rb against get_vma */
#endif
#ifdef CONFIG_PER_VMA_LOCK
	/* bumped by mmap_write_unlock: ends every vma_start_write mark */
	int mm_lock_seq;
#endif
#ifdef TB_MM_MT
	/*
	 * 6.4's mm_mt: every VMA of the list over its range, kept in step
	 * by the writers under mmap_sem (mm/mmap.c, vma_mt_*), walked by
	 * the fault under rcu_read_lock alone.  mm_rb stays the writers'
	 * index (find_vma, the gaps of get_unmapped_area).
	 */
	struct tb_mt *mm_mt;
#endif
#ifdef TB_VMA_FREE_RCU
	/* test-only: VMAs handed to call_rcu whose callback has not run */
	int vma_rcu_pending;
#endif
	unsigned long highest_vm_end;
	unsigned long mmap_base;
	unsigned long task_size;
	atomic_t mm_users;		/* threads + API calls in flight */
	atomic_t mm_count;		/* references to the struct itself */
	int map_count;			/* VMAs in the tree */
	/* anon_vma install and page-table page allocation (not the PTEs) */
	spinlock_t page_table_lock;
	struct rw_semaphore mmap_sem;
	struct pt_model pt;
	/*
	 * test-only: mmap_region merges with the next VMA before the
	 * previous one, as Linux 6.1 does (4.16 tries prev first).  In the
	 * kernel the order is a fact of the release, fixed at build time;
	 * here it is chosen when the mm is created (TB_MM_MMAP_MERGE_NEXT_FIRST)
	 * because one library must answer both: the kernel comparison runs a
	 * 6.1-order mm next to a 4.16-order shadow in one process
	 * (ModelComparer), and the merge-order specs compare the two.
	 */
	bool mmap_merge_next_first;
	/*
	 * test-only, the same way: mprotect_fixup drops VM_ACCOUNT from a
	 * never-written private anonymous VMA made read-only, as 6.12 does
	 * (TB_MM_MPROTECT_UNACCOUNT_UNFAULTED).
	 */
	bool mprotect_unaccount_unfaulted;

	/*
	 * The fault path's counters: one block per thread that faulted here
	 * (mm/vmstat.c), append-only.  The testbed's process state (fd
	 * table, reference slots, operation numbers, logs, the kmem account)
	 * is the API's: struct tb_process in api/api.h.
	 */
	struct mm_fault_events_block *fault_events;
};

#endif /* _TB_MM_TYPES_H */
