// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/madvise.c - the four behaviours of 4.16's madvise that change what
 * fork copies (MADV_DONTFORK/DOFORK: VM_DONTCOPY; MADV_WIPEONFORK/
 * KEEPONFORK: VM_WIPEONFORK), with madvise_behavior's merge and split.
 * Written for the testbed; names follow the kernel.
 */
#include "mm/internal.h"

#define MADV_DONTFORK	10
#define MADV_DOFORK	11
#define MADV_WIPEONFORK	18
#define MADV_KEEPONFORK	19

static bool madvise_behavior_valid(int behavior)
{
	return behavior == MADV_DONTFORK || behavior == MADV_DOFORK ||
	       behavior == MADV_WIPEONFORK || behavior == MADV_KEEPONFORK;
}

/*
 * Give [start, end) of vma the flags the behaviour asks for: merge with a
 * neighbour if vma_merge allows, else split.  -ENOMEM becomes -EAGAIN,
 * as in the kernel.
 */
static int madvise_behavior(struct vm_area_struct *vma,
			    struct vm_area_struct **prev,
			    unsigned long start, unsigned long end,
			    int behavior)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long new_flags = vma->vm_flags;
	pgoff_t pgoff;
	int error = 0;

	switch (behavior) {
	case MADV_DONTFORK:
		new_flags |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		new_flags &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		/* only on private anonymous memory */
		if (vma->vm_file || (vma->vm_flags & VM_SHARED)) {
			error = -EINVAL;
			goto out;
		}
		new_flags |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		new_flags &= ~VM_WIPEONFORK;
		break;
	}

	if (new_flags == vma->vm_flags) {
		*prev = vma;
		goto out;
	}

	pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	*prev = vma_merge(mm, *prev, start, end, new_flags, vma->anon_vma,
			  vma->vm_file, pgoff, vma_policy(vma));
	if (*prev) {
		vma = *prev;
		goto success;
	}

	*prev = vma;

	if (start != vma->vm_start) {
		if (unlikely(mm->map_count >= sysctl_max_map_count)) {
			error = -ENOMEM;
			goto out;
		}
		error = __split_vma(mm, vma, start, 1);
		if (error)
			goto out;
	}

	if (end != vma->vm_end) {
		if (unlikely(mm->map_count >= sysctl_max_map_count)) {
			error = -ENOMEM;
			goto out;
		}
		error = __split_vma(mm, vma, end, 0);
		if (error)
			goto out;
	}

success:
	/* vm_flags under mmap_sem for write and, for SPF, vm_sequence */
	vm_write_begin(vma);
	WRITE_ONCE(vma->vm_flags, new_flags);
	vm_write_end(vma);
out:
	if (error == -ENOMEM)
		error = -EAGAIN;
	return error;
}

/*
 * The madvise system call for these behaviours, under mmap_sem for write
 * (madvise_need_mmap_write).  A hole in the range is -ENOMEM after the
 * VMAs around it changed; a zero length is -EINVAL (the testbed's rule,
 * Linux returns 0).
 */
int do_madvise(struct mm_struct *mm, unsigned long start, size_t len_in,
	       int behavior)
{
	unsigned long end, tmp;
	struct vm_area_struct *vma, *prev;
	int unmapped_error = 0;
	int error = -EINVAL;
	size_t len;

	if (!madvise_behavior_valid(behavior))
		return error;
	if (offset_in_page(start))
		return error;
	if (!len_in || len_in > TASK_SIZE)
		return error;
	len = PAGE_ALIGN(len_in);
	end = start + len;
	if (end < start || end > TASK_SIZE)
		return error;

	mmap_write_lock(mm);
	vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;

	for (;;) {
		error = -ENOMEM;
		if (!vma)
			goto out;
		/* Here start < (end|vma->vm_end). */
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				goto out;
		}
		tmp = vma->vm_end;
		if (end < tmp)
			tmp = end;
		error = madvise_behavior(vma, &prev, start, tmp, behavior);
		if (error)
			goto out;
		start = tmp;
		if (prev && start < prev->vm_end)
			start = prev->vm_end;
		error = unmapped_error;
		if (start >= end)
			goto out;
		if (prev)
			vma = prev->vm_next;
		else
			vma = find_vma(mm, start);
	}
out:
	mmap_write_unlock(mm);
	return error;
}
