/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * api/api.h - what the tb_* entry points share: entering an mm (handle
 * lookup, current's sinks), leaving it, and the VMA info helper.
 */
#ifndef _TB_API_H
#define _TB_API_H

#include "mm/internal.h"
#ifndef CONFIG_MMU
#include "mm/nommu.h"
#endif

/*
 * Look the handle up and pin the mm (mm_users), point current at its
 * sinks.  op != TB_OP_NONE is an operation: it takes the next op_seq.
 * NULL: bad or destroyed handle.
 */
struct mm_struct *tb_api_enter(tb_mm_t handle, u32 op);
/* Next operation of a batch on the same mm. */
void tb_api_next_op(struct mm_struct *mm, u32 op);
void tb_api_leave(struct mm_struct *mm);

/* Fill info from vma; caller holds mmap_sem (read). Takes page_table_lock. */
void tb_fill_vma_info(struct mm_struct *mm, struct vm_area_struct *vma,
		      struct tb_vma_info *info);

/* files.c */
int tb_files_open(struct mm_struct *mm, u64 size, u32 flags);
int tb_files_close(struct mm_struct *mm, int fd);
void tb_files_release(struct mm_struct *mm);

/* refs.c */
int tb_refs_get(struct mm_struct *mm, u64 addr, u64 *ref,
		struct tb_vma_info *info);
int tb_refs_info(struct mm_struct *mm, u64 ref, struct tb_vma_info *info);
int tb_refs_put(struct mm_struct *mm, u64 ref);
void tb_refs_release(struct mm_struct *mm);
int tb_refs_validate(struct mm_struct *mm);

#endif /* _TB_API_H */
