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
#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
	atomic_set(&vma->vm_ref_count, 1);
#endif
	RB_CLEAR_NODE(&vma->vm_rb);
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
	kmem_cache_free(vm_area_cachep, vma);
}

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
