// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/util.c - what mm/mmap.c and mm/nommu.c share: linking a VMA into the
 * mm's sorted list (the kernel's mm/util.c), and allocating and freeing a
 * bare vm_area_struct (kernel/fork.c from 4.18 on).
 */
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
#ifdef CONFIG_PER_VMA_LOCK
	/* 6.4's vma_init/vma_lock_alloc: unlocked, not detached yet */
	init_rwsem(&vma->vm_lock);
	vma->vm_lock_seq = -1;
	vma->detached = false;
#endif
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);
	if (!vma)
		return NULL;
	vma->tb_id = kmem_obj_id(vma);
	vma->vm_mm = mm;
	INIT_VMA(vma);
	tb_trace_event(TB_EV_VMA_ALLOC, vma->tb_id, 0);
	return vma;
}

/*
 * The raw free of a VMA: the end of __free_vma, and on its own for a VMA
 * that never carried references (error paths, nommu-orig's open-coded
 * frees).
 */
void vm_area_free(struct vm_area_struct *vma)
{
	tb_trace_event(TB_EV_VMA_FREE, vma->tb_id, 0);
#ifdef TB_VMA_FREE_RCU
	vm_area_free_rcu(vma);
#else
	kmem_cache_free(vm_area_cachep, vma);
#endif
}

#ifdef TB_VMA_FREE_RCU
/*
 * 6.4's vm_area_free hands the VMA to call_rcu.  The model queues it on
 * its mm and frees the queue after synchronize_rcu when the write
 * section ends (vma_rcu_free_deferred): the same grace period, but the
 * free completes inside the operation, so the object counts after each
 * operation stay exact (the differential compares them).  The queue is
 * a lock-free stack: the exit path frees without mmap_sem.
 */
void vm_area_free_rcu(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *head = __atomic_load_n(&mm->vma_rcu_list,
						      __ATOMIC_RELAXED);

	do {
		vma->vm_rcu_next = head;
	} while (!__atomic_compare_exchange_n(&mm->vma_rcu_list, &head, vma,
					      false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

/* The grace period, then the frees call_rcu would have done. */
void vma_rcu_free_deferred(struct mm_struct *mm)
{
	struct vm_area_struct *vma = __atomic_exchange_n(&mm->vma_rcu_list,
							 NULL,
							 __ATOMIC_ACQUIRE);

	if (!vma)
		return;
	synchronize_rcu();
	while (vma) {
		struct vm_area_struct *next = vma->vm_rcu_next;

#ifdef CONFIG_PER_VMA_LOCK
		rwsem_destroy(&vma->vm_lock);
#endif
		kmem_cache_free(vm_area_cachep, vma);
		vma = next;
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
