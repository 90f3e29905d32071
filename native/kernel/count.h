/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * count.h - counted costs: line writes and waits, per operation kind.
 *
 * Customised for testing (checked flavour only; nothing in TB_PERF).
 * Every scheduling point is a write to a cache line (a lock acquire or
 * release, an atomic RMW, a seqcount write); kernel/sched.c counts it in
 * the calling thread's counters under current->op, in the class the
 * registered classifier gives the object (mmap_sem, mm_rb_lock, the mm's
 * page_table_lock, a split PTE lock, the testbed's own bookkeeping, a
 * per-VMA line, another lock).
 * locks.c adds the acquisitions that had to wait.  Counters are per
 * thread (no shared line of their own); tb_counts sums every thread's.
 */
#ifndef _TB_KERNEL_COUNT_H
#define _TB_KERNEL_COUNT_H

#include "kernel/types.h"
#include "testbed.h"

enum tb_line {
	TB_LINE_MMAP_SEM,
	TB_LINE_MM_RB_LOCK,
	TB_LINE_MM_PTL,		/* mm->page_table_lock */
	TB_LINE_PTL,		/* a split PTE lock (per page-table page) */
	TB_LINE_TESTBED,	/* the testbed's bookkeeping, not a design cost */
	TB_LINE_VMA,		/* a per-VMA or per-object line */
	TB_LINE_OTHER,		/* any other lock */
};

/* Operation kinds counted (tb_op_kind values below this). */
#define TB_COUNT_OPS	16

/* The class of obj (a lock or an atomic) for the calling thread's mm. */
typedef enum tb_line (*tb_line_classifier)(const void *obj, bool is_lock);

/* Which of the mm's writer locks the calling thread holds for write. */
#define TB_HELD_MMAP_SEM_WRITE		0x1
#define TB_HELD_MM_RB_LOCK_WRITE	0x2
typedef unsigned int (*tb_held_writers_fn)(void);

void tb_count_set_classifier(tb_line_classifier fn, tb_held_writers_fn held);

#ifdef TB_PERF
static inline void tb_count_wait(const void *lock, bool read,
				 bool behind_writer)
{
	(void)lock;
	(void)read;
	(void)behind_writer;
}

static inline void tb_count_op(u32 op)
{
	(void)op;
}
#else
/* An acquisition of lock (read or write) that had to wait. */
void tb_count_wait(const void *lock, bool read, bool behind_writer);
/* One more operation of kind op by this thread. */
void tb_count_op(u32 op);
#endif

int tb_counts_sum(u32 op, struct tb_op_counts *out);
void tb_counts_clear(void);

#endif /* _TB_KERNEL_COUNT_H */
