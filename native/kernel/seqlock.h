/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * seqlock.h - seqcount_t with the ordering the SPF patch relies on.
 *
 * Mirrors the 4.16 seqcount:
 *   write begin: sequence++, then smp_wmb()  (odd before the data stores)
 *   write end:   smp_wmb(), then sequence++  (data stores before even)
 *   raw_read_seqcount: READ_ONCE(sequence), then smp_rmb()
 *   read_seqcount_begin: raw_read_seqcount, spinning while odd
 *   read_seqcount_retry: smp_rmb(), then compare with the start value
 * The sequence itself is accessed atomically (relaxed); the fences do the
 * ordering, as in the kernel, so the data the readers look at must be
 * accessed with READ_ONCE/WRITE_ONCE.  Customised for testing: begin, end
 * and reads call tb_sched (SEQ_BEGIN before, SEQ_END after, SEQ_READ
 * before), and the write side checks it is not nested or unbalanced.
 */
#ifndef _TB_KERNEL_SEQLOCK_H
#define _TB_KERNEL_SEQLOCK_H

#include "kernel/types.h"
#include "kernel/sched.h"
#include "kernel/bug.h"
#include "kernel/lockdep.h"

typedef struct seqcount {
	unsigned int sequence;
} seqcount_t;

#define SEQCNT_ZERO(name)	{ .sequence = 0 }

static inline void seqcount_init(seqcount_t *s)
{
	__atomic_store_n(&s->sequence, 0, __ATOMIC_RELAXED);
}

static inline unsigned int __tb_seq_load(const seqcount_t *s)
{
	return __atomic_load_n(&s->sequence, __ATOMIC_RELAXED);
}

static inline void raw_write_seqcount_begin(seqcount_t *s)
{
	unsigned int seq;

	tb_sched(SCHED_SEQ_BEGIN, s);
	seq = __tb_seq_load(s);
	WARN(seq & 1, "write_seqcount_begin on odd sequence %u", seq);
	__atomic_store_n(&s->sequence, seq + 1, __ATOMIC_RELAXED);
	smp_wmb();
}

static inline void raw_write_seqcount_end(seqcount_t *s)
{
	unsigned int seq;

	smp_wmb();
	seq = __tb_seq_load(s);
	WARN(!(seq & 1), "write_seqcount_end on even sequence %u", seq);
	__atomic_store_n(&s->sequence, seq + 1, __ATOMIC_RELAXED);
	tb_sched(SCHED_SEQ_END, s);
}

/* The lockdep annotation of the kernel's versions is not modelled. */
static inline void write_seqcount_begin(seqcount_t *s)
{
	raw_write_seqcount_begin(s);
}

/* The SPF patch's __vma_adjust nests next's count inside vma's. */
static inline void write_seqcount_begin_nested(seqcount_t *s, int subclass)
{
	(void)subclass;
	raw_write_seqcount_begin(s);
}

static inline void write_seqcount_end(seqcount_t *s)
{
	raw_write_seqcount_end(s);
}

static inline unsigned int raw_read_seqcount(const seqcount_t *s)
{
	unsigned int seq;

	tb_sched(SCHED_SEQ_READ, s);
	seq = __tb_seq_load(s);
	smp_rmb();
	return seq;
}

static inline unsigned int read_seqcount_begin(const seqcount_t *s)
{
	unsigned int seq;

	while ((seq = raw_read_seqcount(s)) & 1)
		cpu_relax();
	return seq;
}

static inline int read_seqcount_retry(const seqcount_t *s, unsigned int start)
{
	smp_rmb();
	tb_sched(SCHED_SEQ_READ, s);
	return unlikely(__tb_seq_load(s) != start);
}

#endif /* _TB_KERNEL_SEQLOCK_H */
