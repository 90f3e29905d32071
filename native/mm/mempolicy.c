// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/mempolicy.c - the VMA side of mbind(2) in 4.16: do_mbind (without
 * page migration), mbind_range and vma_replace_policy.  The policy object
 * itself is the shim's (kernel/mempolicy.h).
 */
#include "mm/internal.h"
#include "kernel/lockdep.h"

/*
 * Apply pol to vma: always a private copy (mpol_dup), the old one put.
 * shmem's ->set_policy is not modelled.
 */
static int vma_replace_policy(struct vm_area_struct *vma,
			      struct mempolicy *pol)
{
	struct mempolicy *old, *new;

	new = mpol_dup(pol);
	if (IS_ERR(new))
		return PTR_ERR(new);

	/*
	 * A write section ("mm: protect VMA modifications using VMA
	 * sequence count"): a speculative fault that read the old policy
	 * sees the sequence move and aborts.
	 */
	vm_write_begin(vma);
	old = vma->vm_policy;
	WRITE_ONCE(vma->vm_policy, new);	/* protected by mmap_sem */
	vm_write_end(vma);
	mpol_put(old);
	return 0;
}

/* Step through [start, end) and give every VMA the policy new_pol. */
static int mbind_range(struct mm_struct *mm, unsigned long start,
		       unsigned long end, struct mempolicy *new_pol)
{
	struct vm_area_struct *next, *prev, *vma;
	unsigned long vmstart, vmend;
	pgoff_t pgoff;
	int err = 0;

	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -EFAULT;

	prev = vma->vm_prev;
	if (start > vma->vm_start)
		prev = vma;

	for (; vma && vma->vm_start < end; prev = vma, vma = next) {
		next = vma->vm_next;
		vmstart = max(start, vma->vm_start);
		vmend = min(end, vma->vm_end);

		if (mpol_equal(vma_policy(vma), new_pol))
			continue;

		pgoff = vma->vm_pgoff +
			((vmstart - vma->vm_start) >> PAGE_SHIFT);
		prev = vma_merge(mm, prev, vmstart, vmend, vma->vm_flags,
				 vma->anon_vma, vma->vm_file, pgoff, new_pol);
		if (prev) {
			vma = prev;
			next = vma->vm_next;
			if (mpol_equal(vma_policy(vma), new_pol))
				continue;
			/* vma_merge() joined vma && vma->next, case 8 */
			goto replace;
		}
		if (vma->vm_start != vmstart) {
			err = split_vma(vma->vm_mm, vma, vmstart, 1);
			if (err)
				goto out;
		}
		if (vma->vm_end != vmend) {
			err = split_vma(vma->vm_mm, vma, vmend, 0);
			if (err)
				goto out;
		}
replace:
		err = vma_replace_policy(vma, new_pol);
		if (err)
			goto out;
	}
out:
	return err;
}

/*
 * queue_pages_range, reduced to its hole check: -EFAULT on any hole.  (4.16's
 * queue_pages_test_walk missed a hole at the end of the range when a VMA
 * followed it; the model checks every hole, as 6.1 does.)
 */
static int check_range_mapped(struct mm_struct *mm, unsigned long start,
			      unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	unsigned long covered = start;

	for (; vma && vma->vm_start < end; vma = vma->vm_next) {
		if (vma->vm_start > covered)
			return -EFAULT;
		covered = vma->vm_end;
	}
	return covered >= end ? 0 : -EFAULT;
}

/*
 * do_mbind: the new policy is allocated before mmap_sem is taken and
 * before the range is looked at (as in 4.16), and put at the end.
 */
int do_mbind(struct mm_struct *mm, unsigned long start, unsigned long len,
	     unsigned short mode)
{
	struct mempolicy *new;
	unsigned long end;
	int err;

	if (mode > MPOL_INTERLEAVE)
		return -EINVAL;
	if (offset_in_page(start))
		return -EINVAL;
	if (!len)
		return -EINVAL;
	if (len > TASK_SIZE)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start || end > TASK_SIZE)
		return -EINVAL;

	new = mpol_new(mode);
	if (IS_ERR(new))
		return PTR_ERR(new);

	mmap_write_lock(mm);
	/*
	 * MPOL_DEFAULT (new == NULL) is MPOL_MF_DISCONTIG_OK: holes are fine,
	 * only mbind_range's own check (a VMA at start) applies.
	 */
	err = new ? check_range_mapped(mm, start, end) : 0;
	if (!err)
		err = mbind_range(mm, start, end, new);
	mmap_write_unlock(mm);

	mpol_put(new);
	return err;
}
