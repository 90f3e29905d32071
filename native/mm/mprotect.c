// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/mprotect.c - 4.16 mprotect_fixup and do_mprotect_pkey (no pkeys, no
 * PROT_GROWSDOWN/UP), with the SPF vm_sequence write section around the
 * vm_flags change.  Written for the testbed; names follow the kernel.
 */
#include "mm/internal.h"
#include "kernel/lockdep.h"

static inline unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/*
 * Give [start, end) of vma the flags newflags: merge with a neighbour if
 * vma_merge allows, else split at start and/or end.  *pprev is set to the
 * VMA that now covers the range.  The pages stay (the model has no
 * protection bits in its page table).
 */
static int mprotect_fixup(struct vm_area_struct *vma,
			  struct vm_area_struct **pprev, unsigned long start,
			  unsigned long end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long oldflags = vma->vm_flags;
	pgoff_t pgoff;
	int error;

	if (newflags == oldflags) {
		*pprev = vma;
		return 0;
	}

	/*
	 * If we make a private mapping writable we increase our commit;
	 * but (without a backing file) never again if it was already
	 * accounted or is shared.
	 */
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB |
				  VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
	} else if (mm->mprotect_unaccount_unfaulted &&
		   (oldflags & VM_ACCOUNT) && !vma->vm_file &&
		   !vma->anon_vma) {
		/*
		 * 6.12 (vma_is_anonymous: no vm_ops, i.e. no vm_file in
		 * the model): nothing was ever faulted in, so the charge
		 * can go back; without VM_ACCOUNT the VMA may now merge
		 * with a read-only neighbour that was never charged.
		 */
		newflags &= ~VM_ACCOUNT;
	}

	/* First try to merge with previous and/or next vma. */
	pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	*pprev = vma_merge(mm, *pprev, start, end, newflags, vma->anon_vma,
			   vma->vm_file, pgoff, vma_policy(vma));
	if (*pprev) {
		vma = *pprev;
		VM_WARN_ON((vma->vm_flags ^ newflags) & ~VM_SOFTDIRTY);
		goto success;
	}

	*pprev = vma;

	if (start != vma->vm_start) {
		error = split_vma(mm, vma, start, 1);
		if (error)
			return error;
	}

	if (end != vma->vm_end) {
		error = split_vma(mm, vma, end, 0);
		if (error)
			return error;
	}

success:
	/*
	 * vm_flags is protected by the mmap_sem held in write mode, and by
	 * vm_sequence against the speculative fault path.
	 */
	vm_write_begin(vma);
	WRITE_ONCE(vma->vm_flags, newflags);
	vm_write_end(vma);
	return 0;
}

/*
 * do_mprotect_pkey: argument checks (model order, see docs/model.md),
 * then the VMA walk under mmap_sem held for write.  A hole at the start or
 * inside the range is -ENOMEM, after the VMAs before the hole changed.
 */
int do_mprotect_pkey(struct mm_struct *mm, unsigned long start, size_t len,
		     unsigned long prot)
{
	unsigned long nstart, end, tmp, reqprot;
	struct vm_area_struct *vma, *prev;
	int error;

	if (offset_in_page(start))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	/* deliberate: Linux returns 0 for len == 0 */
	if (!len)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start || end > TASK_SIZE)
		return -ENOMEM;

	reqprot = prot;

	mmap_write_lock(mm);

	vma = find_vma(mm, start);
	error = -ENOMEM;
	if (!vma)
		goto out;
	prev = vma->vm_prev;
	if (vma->vm_start > start)
		goto out;
	if (start > vma->vm_start)
		prev = vma;

	for (nstart = start ; ; ) {
		unsigned long mask_off_old_flags;
		unsigned long newflags;

		/* Here we know that vma->vm_start <= nstart < vma->vm_end. */
		mask_off_old_flags = VM_READ | VM_WRITE | VM_EXEC;
		newflags = calc_vm_prot_bits(prot);
		newflags |= (vma->vm_flags & ~mask_off_old_flags);

		/* newflags >> 4 shift VM_MAY% in place of VM_% */
		if ((newflags & ~(newflags >> 4)) &
		    (VM_READ | VM_WRITE | VM_EXEC)) {
			error = -EACCES;
			goto out;
		}

		tmp = vma->vm_end;
		if (tmp > end)
			tmp = end;
		error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
		if (error)
			goto out;
		nstart = tmp;

		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			goto out;

		vma = prev->vm_next;
		if (!vma || vma->vm_start != nstart) {
			error = -ENOMEM;
			goto out;
		}
		prot = reqprot;
	}
out:
	mmap_write_unlock(mm);
	return error;
}
