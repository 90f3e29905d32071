// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/util.c - what mm/mmap.c and mm/nommu.c share: linking a VMA into the
 * mm's sorted list (the kernel's mm/util.c), and allocating and freeing a
 * bare vm_area_struct (kernel/fork.c from 4.18 on).
 */
#include <sched.h>
#include <stddef.h>
#include <time.h>
#include "mm/internal.h"

/*
 * INIT_VMA of the SPF series: a VMA is born with the reference the tree
 * will own, and an even sequence.
 */
static void INIT_VMA(struct vm_area_struct *vma)
{
	seqcount_init(&vma->vm_sequence);
#ifdef TB_VMA_REFCOUNT
	atomic_set(&vma->vm_ref_count, 1);
#endif
	RB_CLEAR_NODE(&vma->vm_rb);
#ifdef CONFIG_VMA_REFCNT
	/*
	 * 6.15's vma_lock_init: not write-locked; vm_refcnt is not touched,
	 * it is 0 (detached) on every free VMA and stays so until the tree
	 * takes it (vma_mark_attached).
	 */
	WRITE_ONCE(vma->vm_lock_seq, -1);
#elif defined(CONFIG_PER_VMA_LOCK)
	/* 6.4's vma_init/vma_lock_alloc: unlocked, not detached yet */
	init_rwsem(&vma->vm_lock);
	vma->vm_lock_seq = -1;
	vma->detached = false;
#endif
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

#ifdef CONFIG_VMA_REFCNT
	/*
	 * The typesafe cache hands back a freed VMA uncleared: clear all but
	 * the fields a stale reader may be reading (6.15 keeps vm_refcnt the
	 * same way, vma_copy and the slab's freeptr_offset).
	 */
	vma = kmem_cache_alloc(vm_area_cachep, GFP_KERNEL);
	if (!vma)
		return NULL;
	memset(vma, 0, offsetof(struct vm_area_struct, vm_lock_seq));
#else
	vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);
	if (!vma)
		return NULL;
#endif
	vma->tb_id = kmem_obj_id(vma);
	vma->vm_mm = mm;
	INIT_VMA(vma);
	tb_trace_event(EV_VMA_ALLOC, vma->tb_id, 0);
	return vma;
}

/*
 * The raw free of a VMA: the end of __free_vma, and on its own for a VMA
 * that never carried references (error paths, nommu-orig's open-coded
 * frees).
 */
void vm_area_free(struct vm_area_struct *vma)
{
	tb_trace_event(EV_VMA_FREE, vma->tb_id, 0);
#ifdef TB_VMA_FREE_RCU
	vm_area_free_rcu(vma);
#elif defined(CONFIG_VMA_REFCNT)
	/*
	 * 6.15: no call_rcu, the VMA is back in the cache at once.  Only a
	 * detached VMA with no reader may go (a stale reader's increment on
	 * a free VMA must fail).
	 */
	WARN(atomic_read(&vma->vm_refcnt),
	     "vm_area_free: VMA %llu freed with vm_refcnt %#x",
	     (unsigned long long)vma->tb_id, atomic_read(&vma->vm_refcnt));
	kmem_cache_free(vm_area_cachep, vma);
#else
	kmem_cache_free(vm_area_cachep, vma);
#endif
}

#ifdef CONFIG_VMA_REFCNT
/*
 * The writer's wait for readers to drain (6.15: rcuwait_wait_event on
 * mm->vma_writer_wait, woken by the last reader's vma_refcount_put).
 * Under a controlled scheduler it reports SCHED_BLOCKED between looks,
 * so the scheduler runs the readers; otherwise it yields: a reader holds
 * its count for one fault only.
 */
void vma_wait_readers(struct vm_area_struct *vma, int tgt_refcnt)
{
	while (__atomic_load_n(&vma->vm_refcnt.counter, __ATOMIC_ACQUIRE) !=
	       tgt_refcnt) {
		if (tb_sched_controlled())
			tb_sched(SCHED_BLOCKED, &vma->vm_refcnt);
		else
			sched_yield();
	}
}
#endif

#ifdef TB_VMA_FREE_RCU
/* The real free, once no reader can look any more. */
static void __vm_area_free(struct vm_area_struct *vma)
{
#ifdef CONFIG_PER_VMA_LOCK
	rwsem_destroy(&vma->vm_lock);
#endif
	kmem_cache_free(vm_area_cachep, vma);
}

/* 6.4's vm_area_free_rcu_cb, on liburcu's call_rcu thread. */
static void vm_area_free_rcu_cb(struct rcu_head *head)
{
	struct vm_area_struct *vma = container_of(head, struct vm_area_struct,
						  vm_rcu);
	struct mm_struct *mm = vma->vm_mm;

	__vm_area_free(vma);
	/* last: exit_mmap's vma_rcu_barrier may free the mm right after */
	__atomic_sub_fetch(&mm->vma_rcu_pending, 1, __ATOMIC_RELEASE);
}

/*
 * 6.4's vm_area_free: the VMA goes to call_rcu and the write section
 * goes on, no grace period inside it.  Its account is uncharged now (the
 * counts after the operation are exact, see kmem_cache_uncharge); the
 * callback frees it once every read-side section that could still see
 * it has ended.  With the last user gone (exit_mmap) nothing can read
 * it: 6.4's remove_vma(vma, unreachable) frees at once.  Raw atomics for
 * the pending count: it is bookkeeping, not a protocol step the
 * scheduling hook should see, and the callback runs on liburcu's thread.
 */
void vm_area_free_rcu(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!__atomic_load_n(&mm->mm_users.counter, __ATOMIC_ACQUIRE)) {
		__vm_area_free(vma);
		return;
	}
	kmem_cache_uncharge(vm_area_cachep, vma);
	__atomic_add_fetch(&mm->vma_rcu_pending, 1, __ATOMIC_RELAXED);
	call_rcu(&vma->vm_rcu, vm_area_free_rcu_cb);
}

/*
 * rcu_barrier for the mm's teardown (exit_mmap, first thing): every VMA
 * it handed to call_rcu is freed before exit_mmap returns, so the leak
 * checks after it (and ASan's) see them gone, and no callback touches
 * the mm after mmdrop.  It waits for this mm's callbacks only, counted
 * in vma_rcu_pending (no thread adds to it any more), not with liburcu's
 * rcu_barrier: that one hands a completion allocated here to the
 * call_rcu thread to free, through liburcu's queue that TSan cannot see.
 * liburcu's call_rcu thread runs about every 10 ms; poll at 1 ms.
 */
void vma_rcu_barrier(struct mm_struct *mm)
{
	static const struct timespec poll = { .tv_nsec = 1000 * 1000 };

	WARN(rcu_read_lock_held(), "rcu_barrier inside a read-side section");
	while (__atomic_load_n(&mm->vma_rcu_pending, __ATOMIC_ACQUIRE)) {
		/* queued under a controlled scheduler: nobody else runs them */
		rcu_run_ready_callbacks();
		if (__atomic_load_n(&mm->vma_rcu_pending, __ATOMIC_ACQUIRE))
			nanosleep(&poll, NULL);
	}
}
#endif

/*
 * __vma_link_list - put vma after prev in the mm's list.  Without a prev
 * the VMA becomes the first, and its successor is the tree node it was
 * linked under: a new leftmost node's rb parent is the old leftmost VMA.
 */
void __vma_link_list(struct mm_struct *mm, struct vm_area_struct *vma,
		     struct vm_area_struct *prev, struct rb_node *rb_parent)
{
	struct vm_area_struct *next;

	vma->vm_prev = prev;
	if (prev) {
		next = prev->vm_next;
		prev->vm_next = vma;
	} else {
		mm->mmap = vma;
		if (rb_parent)
			next = rb_entry(rb_parent, struct vm_area_struct, vm_rb);
		else
			next = NULL;
	}
	vma->vm_next = next;
	if (next)
		next->vm_prev = vma;
}
