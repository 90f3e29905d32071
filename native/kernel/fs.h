/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fs.h - struct file, reduced to what mmap needs.
 *
 * Mirrors get_file/fput with f_count an atomic_long_t.  Customised for
 * testing: the file comes from a kmem_cache (TB_CACHE_FILE, so it is
 * accounted, injectable, poisoned on free) and every change is traced:
 *   file_alloc: FILE_ALLOC (value 1)
 *   get_file:   FILE_GET   (value = f_count after)
 *   fput:       FILE_PUT   (value = f_count after), and at zero FILE_FREE
 *               (value 0) just before the file is freed (synchronously:
 *               there is no task_work/delayed fput here).
 * get_file/fput on a freed file, from zero, or below zero record a
 * violation and change nothing.
 */
#ifndef _TB_KERNEL_FS_H
#define _TB_KERNEL_FS_H

#include "kernel/types.h"
#include "kernel/atomic.h"

struct file {
	atomic_long_t f_count;
	u64 tb_id;		/* test-only: per-mm object id */
	u64 size;		/* bytes, page aligned */
	u32 flags;		/* enum tb_file_flags */
};

/* A new file with f_count 1, or NULL when the allocation fails. */
struct file *file_alloc(u64 size, u32 flags);
struct file *get_file(struct file *f);
void fput(struct file *f);
/*
 * A reference to the file open at fd in current's file table, or NULL.
 * Implemented by the layer that owns the table (native/api/files.c), as
 * the kernel's fget reads current->files.
 */
struct file *fget(unsigned int fd);

static inline long file_count(struct file *f)
{
	return atomic_long_read(&f->f_count);
}

#endif /* _TB_KERNEL_FS_H */
