/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm/internal.h - what mmap.c, mprotect.c, mempolicy.c, memory.c and the
 * API layer share.  Mirrors the declarations of include/linux/mm.h and
 * mm/internal.h that the model needs.
 */
#ifndef _TB_MM_INTERNAL_H
#define _TB_MM_INTERNAL_H

#include "kernel/types.h"
#include "kernel/bug.h"
#include "kernel/fs.h"
#include "kernel/lockdep.h"
#include "kernel/mempolicy.h"
#include "kernel/rcupdate.h"
#include "kernel/slab.h"
#include "kernel/trace.h"
#include "mm/mm_types.h"

/* The fixed address-space geometry of the model (see docs/model.md). */
#define TASK_SIZE		0x7ffffffff000UL
#define TB_MMAP_MIN_ADDR	0x10000UL
#define TB_MMAP_BASE		0x7f0000000000UL
#define TB_MAX_MAP_COUNT	65530

extern unsigned long mmap_min_addr;
extern int sysctl_max_map_count;

/*
 * mman.h values.  The API layer passes its callers' TB_PROT_* and
 * TB_MAP_* through unchanged: api/kernel.c asserts they are these.
 */
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_GROWSDOWN	0x0100
#define MAP_TYPE	0x0f

/*
 * Fault flags of the model: FAULT_FLAG_* reduced to the testbed's
 * (TB_FAULT_*, the same values: api/kernel.c).  FAULT_FLAG_KERNEL is the
 * kernel's !FAULT_FLAG_USER; FAULT_FLAG_NO_SPECULATIVE sends a fault
 * straight to the mmap_sem path.
 */
#define FAULT_FLAG_WRITE		0x1
#define FAULT_FLAG_INSTRUCTION		0x2
#define FAULT_FLAG_NO_SPECULATIVE	0x4
#define FAULT_FLAG_KERNEL		0x8

/* What handle_mm_fault reports on success (TB_FAULT_DONE_* to the API). */
#define FAULT_DONE_SPECULATIVE	0
#define FAULT_DONE_CLASSIC	1

/* The mm_users reference every API call holds while it runs (tb_api_enter). */
#define TB_API_CALL_PIN		1

/* The kmem caches (created once by mmap_init). */
extern struct kmem_cache *vm_area_cachep;
extern struct kmem_cache *anon_vma_cachep;
void mmap_init(void);

/* mm/mmap.c */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
void vma_gap_update(struct vm_area_struct *vma);
int expand_stack(struct vm_area_struct *vma, unsigned long address);
int __vma_adjust(struct vm_area_struct *vma, unsigned long start,
		 unsigned long end, pgoff_t pgoff,
		 struct vm_area_struct *insert, struct vm_area_struct *expand);
static inline int vma_adjust(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, pgoff_t pgoff,
			     struct vm_area_struct *insert)
{
	return __vma_adjust(vma, start, end, pgoff, insert, NULL);
}
struct vm_area_struct *vma_merge(struct mm_struct *mm,
				 struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end,
				 unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file,
				 pgoff_t pgoff, struct mempolicy *policy);
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		unsigned long addr, int new_below);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
	      unsigned long addr, int new_below);
unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file,
				unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags);
long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr,
	     unsigned long len, unsigned long prot, unsigned long flags,
	     unsigned long pgoff);
long ksys_mmap_pgoff(struct mm_struct *mm, unsigned long addr,
		     unsigned long len, unsigned long prot,
		     unsigned long flags, int fd, unsigned long pgoff);
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len);
int vm_munmap(struct mm_struct *mm, unsigned long start, size_t len);
void exit_mmap(struct mm_struct *mm);
int validate_mm(struct mm_struct *mm);
int anon_vma_prepare(struct vm_area_struct *vma);
/* kernel/fork.c's dup_mmap: mm is new and empty; oldmm's mmap_sem is not held. */
int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm);
/* mm/madvise.c: MADV_DONTFORK/DOFORK/WIPEONFORK/KEEPONFORK */
int do_madvise(struct mm_struct *mm, unsigned long start, size_t len,
	       int behavior);

/* mm/util.c: shared by mmap.c and nommu.c */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
void __vma_link_list(struct mm_struct *mm, struct vm_area_struct *vma,
		     struct vm_area_struct *prev, struct rb_node *rb_parent);

/* mm/vma_free.c: the generalized __free_vma (mmap.c and nommu.c) */
void __free_vma(struct vm_area_struct *vma);

#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
struct vm_area_struct *get_vma(struct mm_struct *mm, unsigned long addr);
void put_vma(struct vm_area_struct *vma);
#endif
#ifdef TB_MM_MT
/* mas_walk of mm_mt: the VMA covering addr; rcu_read_lock held */
struct vm_area_struct *find_vma_lockless(struct mm_struct *mm,
					 unsigned long addr);
#endif
#ifdef TB_VMA_FREE_RCU
/* mm/util.c: vm_area_free through call_rcu, and exit_mmap's barrier */
void vm_area_free_rcu(struct vm_area_struct *vma);
void vma_rcu_barrier(struct mm_struct *mm);
#endif

/* mm/mprotect.c */
int do_mprotect_pkey(struct mm_struct *mm, unsigned long start, size_t len,
		     unsigned long prot);

/* mm/mempolicy.c */
int do_mbind(struct mm_struct *mm, unsigned long start, unsigned long len,
	     unsigned short mode);

/* mm/memory.c: the page-table model and the fault paths */
int pt_init(struct mm_struct *mm);
void pt_destroy(struct mm_struct *mm);
/* The table mapping address, allocated if missing (__pte_alloc). */
struct pte_table *pte_alloc(struct mm_struct *mm, unsigned long address);
/* set_pte_at with the table's ptl held: populate (no-op if present). */
void pt_populate(struct pte_table *pte, unsigned long address, u64 vma_id,
		 bool new_page);
/* The fault's step with the ptl held: populate, or do_wp_page on a COW entry. */
void pt_fault_locked(struct pte_table *pte, unsigned long address,
		     u64 vma_id, bool new_page, bool write);
/* The calls below take each table's ptl themselves. */
unsigned long pt_count_cow(struct mm_struct *mm, unsigned long start,
			   unsigned long end);
int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		    struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma);
void flush_tlb_mm(struct mm_struct *mm);
unsigned long pt_count_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end);
unsigned long pt_nr_pages(struct mm_struct *mm);
void zap_page_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end);
int pt_for_each(struct mm_struct *mm,
		int (*fn)(struct mm_struct *mm, unsigned long addr, u64 vma_id,
			  void *arg), void *arg);
/* obj is one of mm's split PTE locks (the line classifier asks). */
bool pt_is_ptlock(const struct mm_struct *mm, const void *obj);
int handle_mm_fault(struct mm_struct *mm, unsigned long address,
		    unsigned int flags, struct vm_area_struct *spf_vma);
int do_page_fault(struct mm_struct *mm, unsigned long address,
		  unsigned int flags);

/* mm/vmstat.c: the fault statistics, per thread (struct mm_fault_events) */
struct mm_fault_events *this_thread_fault_events_slow(struct mm_struct *mm);

/* This thread's block in mm: cached in current for the rest of the call. */
static inline struct mm_fault_events *
this_thread_fault_events(struct mm_struct *mm)
{
	struct mm_fault_events_block *b = current->vm_events;

	return likely(b) ? &b->ev : this_thread_fault_events_slow(mm);
}
void sum_fault_events(struct mm_struct *mm, struct mm_fault_events *sum);
void fault_events_destroy(struct mm_struct *mm);

/*
 * count_vm_event on this thread's block (ev, from this_thread_fault_events
 * once per fault: the lookup reads `current`, a TLS access in a shared
 * library).  The block is this thread's, so a plain increment; the
 * relaxed atomic load and store only tell the sanitizers that a reader
 * may sum it meanwhile.
 */
#define count_fault_event(ev, field)					\
	__atomic_store_n(&(ev)->field,					\
			 __atomic_load_n(&(ev)->field, __ATOMIC_RELAXED) + 1, \
			 __ATOMIC_RELAXED)

/*
 * The anon_vmas vma links (its chain: its own and every ancestor), for
 * the observers under mmap_sem read: a classic fault may be installing
 * the anon_vma meanwhile (published with release by anon_vma_chain_link);
 * the parents are fixed from the anon_vma's allocation on.
 */
static inline unsigned int anon_vma_chain_len(struct vm_area_struct *vma)
{
	struct anon_vma *av;
	unsigned int n = 0;

	for (av = __atomic_load_n(&vma->anon_vma, __ATOMIC_ACQUIRE); av;
	     av = av->parent)
		n++;
	return n;
}

/* Objects of this mm: the ids the API reports. */
static inline u64 vma_id(const struct vm_area_struct *vma)
{
	return vma->tb_id;
}

/*
 * vm_munmap's range checks, the same on every config: they need no lock,
 * so they fail before mmap_sem is taken.
 */
static inline bool munmap_range_invalid(unsigned long start, size_t len)
{
	return offset_in_page(start) || len == 0 || start > TASK_SIZE ||
	       len > TASK_SIZE - start || PAGE_ALIGN(len) > TASK_SIZE - start;
}

/*
 * vm_sequence write sections around VMA field changes.  Only the SPF
 * series needs them (the speculative path reads vm_sequence without
 * mmap_sem); without CONFIG_SPECULATIVE_PAGE_FAULT they compile away, as in
 * the series, so the mmu baseline pays nothing for them.
 */
#ifdef CONFIG_PER_VMA_LOCK
/*
 * 6.4's per-VMA lock, writer side (include/linux/mm.h).  vma_start_write
 * marks the VMA write-locked for the rest of the mmap_sem write section:
 * taking vm_lock for write waits out the fault holding it for read, and
 * vm_lock_seq == mm_lock_seq then turns every later vma_start_read away
 * until mmap_write_unlock bumps mm_lock_seq (vma_end_write_all).  The
 * exit path (no users left) marks without mmap_sem, as nobody can fault.
 */
static inline bool __is_vma_write_locked(struct vm_area_struct *vma,
					 int *mm_lock_seq)
{
	if (atomic_read(&vma->vm_mm->mm_users))
		lockdep_assert_held_write(&vma->vm_mm->mmap_sem);
	*mm_lock_seq = vma->vm_mm->mm_lock_seq;
	return vma->vm_lock_seq == *mm_lock_seq;
}

#ifdef CONFIG_VMA_REFCNT
/*
 * 6.15's vm_refcnt (include/linux/mm_types.h, mmap_lock.h; Suren
 * Baghdasaryan, "replace vm_lock and detached flag with a reference
 * count"): 0 detached, 1 attached, 1 + n with n readers.  A writer adds
 * VMA_LOCK_OFFSET, which turns every later vma_start_read away (its
 * increment is limited to VMA_REF_LIMIT), and waits for the readers
 * already in to leave (6.15 sleeps on mm->vma_writer_wait; the model
 * polls, vma_wait_readers in mm/util.c).
 */
#define VMA_LOCK_OFFSET	0x40000000
#define VMA_REF_LIMIT	(VMA_LOCK_OFFSET - 1)

void vma_wait_readers(struct vm_area_struct *vma, int tgt_refcnt);

/*
 * __vma_enter_locked: false when the VMA is detached (nobody can read
 * it, nothing to exclude).  Detaching, the writer waits for the count
 * to be the flag alone (its own attach reference already dropped).
 */
static inline bool __vma_enter_locked(struct vm_area_struct *vma,
				      bool detaching)
{
	int tgt_refcnt = VMA_LOCK_OFFSET + (detaching ? 0 : 1);

	if (!atomic_fetch_add_unless(&vma->vm_refcnt, VMA_LOCK_OFFSET, 0)) {
		/*
		 * The last reader's put took the count to 0 after our own
		 * drop: it saw 0 with a plain read, so order its accesses
		 * before ours (the kernel's smp_acquire__after_ctrl_dep) or
		 * the VMA's free and reuse could overtake them.
		 */
		(void)__atomic_load_n(&vma->vm_refcnt.counter,
				      __ATOMIC_ACQUIRE);
		return false;
	}
	vma_wait_readers(vma, tgt_refcnt);
	return true;
}

/* __vma_exit_locked: drop the flag; *detached: the count reached 0. */
static inline void __vma_exit_locked(struct vm_area_struct *vma,
				     bool *detached)
{
	*detached = atomic_sub_return(VMA_LOCK_OFFSET, &vma->vm_refcnt) == 0;
}

static inline void vma_start_write(struct vm_area_struct *vma)
{
	int mm_lock_seq;
	bool locked, detached;

	if (__is_vma_write_locked(vma, &mm_lock_seq))
		return;
	locked = __vma_enter_locked(vma, false);
	WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq);
	if (locked) {
		__vma_exit_locked(vma, &detached);
		WARN(detached, "vma_start_write: VMA %llu detached under us",
		     (unsigned long long)vma->tb_id);
	}
}

static inline void vma_assert_write_locked(struct vm_area_struct *vma)
{
	int mm_lock_seq;

	VM_BUG_ON_VMA(!__is_vma_write_locked(vma, &mm_lock_seq), vma);
}

/* vma_mark_attached: the tree's reference, published with release. */
static inline void vma_mark_attached(struct vm_area_struct *vma)
{
	vma_assert_write_locked(vma);
	WARN(atomic_read(&vma->vm_refcnt),
	     "vma_mark_attached: VMA %llu has vm_refcnt %d",
	     (unsigned long long)vma->tb_id, atomic_read(&vma->vm_refcnt));
	__atomic_store_n(&vma->vm_refcnt.counter, 1, __ATOMIC_RELEASE);
}

/*
 * 6.15's vma_mark_detached: drop the tree's reference; readers still in
 * (they took theirs before vma_start_write's flag) are waited for, so a
 * detached VMA has no reader left and may be freed, and reused, at once.
 */
static inline void __vma_mark_detached(struct vm_area_struct *vma)
{
	bool detached;

	vma_assert_write_locked(vma);
	if (atomic_dec_and_test(&vma->vm_refcnt))
		return;
	if (__vma_enter_locked(vma, true)) {
		__vma_exit_locked(vma, &detached);
		WARN(!detached, "vma_mark_detached: VMA %llu still counted",
		     (unsigned long long)vma->tb_id);
	}
}

/*
 * mm/mmap.c calls 6.4's two-way vma_mark_detached at the tree's insert
 * and erase; 6.15 splits it in two.  Attaching, 6.15 write-locks the VMA
 * first (vma_iter_store), then publishes the tree's reference.
 */
static inline void vma_mark_detached(struct vm_area_struct *vma,
				     bool detached)
{
	if (detached) {
		__vma_mark_detached(vma);
		return;
	}
	vma_start_write(vma);
	vma_mark_attached(vma);
}
#else
static inline void vma_start_write(struct vm_area_struct *vma)
{
	int mm_lock_seq;

	if (__is_vma_write_locked(vma, &mm_lock_seq))
		return;
	down_write(&vma->vm_lock);
	WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq);
	up_write(&vma->vm_lock);
}

static inline void vma_assert_write_locked(struct vm_area_struct *vma)
{
	int mm_lock_seq;

	VM_BUG_ON_VMA(!__is_vma_write_locked(vma, &mm_lock_seq), vma);
}

/* Only a write-locked VMA may be detached (6.4's assertion). */
static inline void vma_mark_detached(struct vm_area_struct *vma,
				     bool detached)
{
	if (detached)
		vma_assert_write_locked(vma);
	WRITE_ONCE(vma->detached, detached);
}

#endif

/* vma_end_write_all: one increment ends every mark of the section. */
static inline void vma_end_write_all(struct mm_struct *mm)
{
	lockdep_assert_held_write(&mm->mmap_sem);
	__atomic_store_n(&mm->mm_lock_seq, mm->mm_lock_seq + 1,
			 __ATOMIC_RELEASE);
}
#endif

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_sem);
}

/*
 * mmap_write_unlock (5.8's name for up_write(&mm->mmap_sem)): on mmu-pvl
 * the VMA write marks end here.  No grace period: the VMAs the section
 * removed went to call_rcu (vm_area_free_rcu).
 */
static inline void mmap_write_unlock(struct mm_struct *mm)
{
#ifdef CONFIG_PER_VMA_LOCK
	vma_end_write_all(mm);
#endif
	up_write(&mm->mmap_sem);
}

/*
 * The order trace's view of a write section, on every MMU config: where
 * the series marks a VMA as changing, whatever the config does there.
 */
static inline void vm_write_trace(u32 type, struct vm_area_struct *vma)
{
	tb_trace_seq_event(type, vma->tb_id, &vma->vm_sequence);
}

#ifdef CONFIG_PER_VMA_LOCK
/*
 * The SPF series' write sections are where a VMA the fault path reads
 * changes: on mmu-pvl each begins by marking the VMA (vma_start_write);
 * the mark ends with the mmap_sem write section, not here.
 */
static inline void vm_write_begin(struct vm_area_struct *vma)
{
	vma_start_write(vma);
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_begin_nested(struct vm_area_struct *vma)
{
	vma_start_write(vma);
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_end(struct vm_area_struct *vma)
{
	vm_write_trace(EV_VMA_WRITE_END, vma);
}
#elif defined(CONFIG_SPECULATIVE_PAGE_FAULT)
static inline void vm_write_begin(struct vm_area_struct *vma)
{
	write_seqcount_begin(&vma->vm_sequence);
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_begin_nested(struct vm_area_struct *vma)
{
	write_seqcount_begin_nested(&vma->vm_sequence, SINGLE_DEPTH_NESTING);
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_end(struct vm_area_struct *vma)
{
	write_seqcount_end(&vma->vm_sequence);
	vm_write_trace(EV_VMA_WRITE_END, vma);
}
#else
static inline void vm_write_begin(struct vm_area_struct *vma)
{
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_begin_nested(struct vm_area_struct *vma)
{
	vm_write_trace(EV_VMA_WRITE_BEGIN, vma);
}

static inline void vm_write_end(struct vm_area_struct *vma)
{
	vm_write_trace(EV_VMA_WRITE_END, vma);
}
#endif

#endif /* _TB_MM_INTERNAL_H */
