/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * api/api.h - what the tb_* entry points share: entering an mm (handle
 * lookup, current's sinks), leaving it, and the VMA info helper.
 */
#ifndef _TB_API_H
#define _TB_API_H

#include "testbed.h"
#include "mm/internal.h"
#ifndef CONFIG_MMU
#include "mm/nommu.h"
#endif

/*
 * The slab account of a fork family: an mm made by tb_mm_create and every
 * mm forked from it, directly or not.  The kernel's slabs are global; the
 * testbed counts per family, because a child's VMAs keep its parent's
 * files and anon_vmas alive past the parent's exit.  The leak check runs
 * when the family's last mm goes.
 */
struct tb_family {
	atomic_t users;			/* mms of the family */
	atomic64_t joins;		/* mms that ever joined it */
	struct tb_kmem_account kmem;
};

/* One get_vma reference held by the API on a caller's behalf. */
struct vma_ref_slot {
	struct vm_area_struct *vma;	/* NULL: free slot */
	u32 generation;			/* bumped every time the slot is used */
};

/*
 * A testbed process: the kernel's mm_struct and the state the API keeps
 * around it, which the kernel keeps elsewhere (the fd table in
 * files_struct, the rest has no kernel counterpart).  The model only ever
 * sees the mm; it reaches the fd table through fget (kernel/fs.h), which
 * files.c implements on current's process.
 */
struct tb_process {
	struct mm_struct mm;
	spinlock_t files_lock;
	struct file *files[TB_MAX_FILES];
	u32 nr_threads;			/* tb_mm_set_threads, under files_lock */
	spinlock_t refs_lock;
	struct vma_ref_slot refs[TB_MAX_VMA_REFS];
	atomic64_t op_seq;
	/* faults, get_vma and put_vma calls in flight (validate exactness) */
	atomic_t pins_inflight;
	atomic64_t pins_started;
	/* the sinks current points at while an API call runs on this mm */
	struct tb_vlog vlog;
	struct tb_evlog evlog;
	struct tb_family *family;	/* its kmem is the family's account */
};

/* The process an mm created by the API belongs to (every mm is one). */
#define tb_process_of(mm_ptr)	container_of(mm_ptr, struct tb_process, mm)

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
void tb_files_dup(struct mm_struct *child, struct mm_struct *parent);

/* refs.c */
int tb_refs_get(struct mm_struct *mm, u64 addr, u64 *ref,
		struct tb_vma_info *info);
int tb_refs_info(struct mm_struct *mm, u64 ref, struct tb_vma_info *info);
int tb_refs_put(struct mm_struct *mm, u64 ref);
void tb_refs_release(struct mm_struct *mm);
int tb_refs_validate(struct mm_struct *mm);

#endif /* _TB_API_H */
