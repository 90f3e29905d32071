// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/nommu_sys.c - what a !CONFIG_MMU kernel has where the MMU model has
 * mm/memory.c, mm/mprotect.c and mm/mempolicy.c, so that the API layer
 * (native/api) builds unchanged for the nommu configs:
 *
 *  - no page tables: the page-table model is empty and stays empty;
 *  - no page faults: an access either hits physical memory or it does
 *    not, nothing is populated on demand.  tb_fault answers -EOPNOTSUPP
 *    (after its flags check), like get_vma on configs without SPF;
 *  - mprotect.o is CONFIG_MMU only and mbind needs CONFIG_NUMA: the
 *    syscalls are sys_ni_syscall, i.e. -ENOSYS whatever the arguments.
 */
#include "mm/nommu.h"

int pt_init(struct mm_struct *mm)
{
	mm->pt.dir = NULL;
	mm->pt.by_ptl = NULL;
	mm->pt.nr_tables = 0;
	return 0;
}

void pt_destroy(struct mm_struct *mm)
{
	WARN_ON(mm->pt.nr_tables != 0);
}

unsigned long pt_count_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	(void)mm;
	(void)start;
	(void)end;
	return 0;
}

unsigned long pt_nr_pages(struct mm_struct *mm)
{
	(void)mm;
	return 0;
}

int pt_for_each(struct mm_struct *mm,
		int (*fn)(struct mm_struct *mm, unsigned long addr, u64 vma_id,
			  void *arg), void *arg)
{
	(void)mm;
	(void)fn;
	(void)arg;
	return 0;
}

bool pt_is_ptlock(const struct mm_struct *mm, const void *obj)
{
	(void)mm;
	(void)obj;
	return false;
}

int do_page_fault(struct mm_struct *mm, unsigned long address,
		  unsigned int flags)
{
	(void)mm;
	(void)address;
	(void)flags;
	return -EOPNOTSUPP;
}

int do_mprotect_pkey(struct mm_struct *mm, unsigned long start, size_t len,
		     unsigned long prot)
{
	(void)mm;
	(void)start;
	(void)len;
	(void)prot;
	return -ENOSYS;
}

int do_mbind(struct mm_struct *mm, unsigned long start, unsigned long len,
	     unsigned short mode)
{
	(void)mm;
	(void)start;
	(void)len;
	(void)mode;
	return -ENOSYS;
}
