// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/util.c - what mm/mmap.c and mm/nommu.c share, as in the kernel's own
 * mm/util.c: linking a VMA into the mm's sorted list.
 */
#include "mm/internal.h"

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
