// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/vma_free.c - the generalized __free_vma, shared by mm/mmap.c and
 * mm/nommu.c.
 *
 * The answer to the SPF review question "can __free_vma() be generalized
 * for mm/nommu.c's delete_vma() and do_mmap()?": yes, once the caller has
 * dealt with what only it knows about (the tree reference on SPF, the
 * vm_region on !MMU), what is left is the same everywhere: drop the file
 * reference the VMA holds, drop its memory policy, free the struct.
 *
 * Callers: put_vma/remove_vma and __vma_adjust's remove-next (mmap.c);
 * delete_vma after put_nommu_region, and every do_mmap error path that
 * owns a VMA (nommu.c, unless TB_NOMMU_OPEN_CODED_FREE keeps 4.16's
 * open-coded frees for the A/B comparison).
 */
#include "mm/internal.h"

#if defined(CONFIG_SPECULATIVE_PAGE_FAULT) && !defined(CONFIG_MMU)
#error "CONFIG_SPECULATIVE_PAGE_FAULT depends on CONFIG_MMU: without an MMU there are no page faults to handle speculatively"
#endif

void __free_vma(struct vm_area_struct *vma)
{
#ifdef CONFIG_MMU
	/* free_pgtables/anon_vma_merge unlinked it already */
	VM_WARN_ON(READ_ONCE(vma->anon_vma) != NULL);
#endif
	if (vma->vm_file)
		fput(vma->vm_file);
	/* NULL on !MMU: no NUMA policies there */
	mpol_put(vma_policy(vma));
	vm_area_free(vma);
}
