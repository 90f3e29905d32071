/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refcount.h - refcount_t with checked transitions.
 *
 * Mirrors the 4.16 API (refcount_set/read/inc/inc_not_zero/dec/
 * dec_and_test/add).  Customised for testing: an increment from zero
 * (use-after-free) or a decrement below zero (underflow) records a
 * violation at the CALLER's site and leaves the counter unchanged instead
 * of saturating; refcount_dec reaching zero (a leak: nobody frees) is also
 * recorded, as in the kernel.  Every RMW calls tb_sched(SCHED_ATOMIC).
 */
#ifndef _TB_KERNEL_REFCOUNT_H
#define _TB_KERNEL_REFCOUNT_H

#include "kernel/types.h"
#include "kernel/atomic.h"
#include "kernel/bug.h"

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }

static inline void refcount_set(refcount_t *r, unsigned int n)
{
	atomic_set(&r->refs, (int)n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

/* Adds i unless the count is zero; returns the old value. */
static inline int __tb_refcount_add_not_zero(int i, refcount_t *r)
{
	return atomic_fetch_add_unless(&r->refs, i, 0);
}

static inline bool __tb_refcount_inc_not_zero(refcount_t *r, const char *site,
					      unsigned int line)
{
	int old = __tb_refcount_add_not_zero(1, r);

	if (unlikely(old < 0))
		tb_record_violation(site, line,
				    "refcount_t: inc_not_zero on negative %d",
				    old);
	return old != 0;
}

static inline void __tb_refcount_add(int i, refcount_t *r, const char *site,
				     unsigned int line)
{
	if (unlikely(__tb_refcount_add_not_zero(i, r) == 0))
		tb_record_violation(site, line,
				    "refcount_t: increment on 0; use-after-free");
}

/*
 * Subtracts i unless that would take the count below zero; returns the
 * new value, or -1 (recording an underflow) when it would.
 */
static inline int __tb_refcount_sub(int i, refcount_t *r, const char *site,
				    unsigned int line)
{
	int old = atomic_read(&r->refs);

	tb_sched(SCHED_ATOMIC, r);
	do {
		if (unlikely(old - i < 0)) {
			tb_record_violation(site, line,
					    "refcount_t: underflow; use-after-free (was %d)",
					    old);
			return -1;
		}
	} while (!__atomic_compare_exchange_n(&r->refs.counter, &old, old - i,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return old - i;
}

static inline bool __tb_refcount_dec_and_test(refcount_t *r, const char *site,
					      unsigned int line)
{
	return __tb_refcount_sub(1, r, site, line) == 0;
}

static inline void __tb_refcount_dec(refcount_t *r, const char *site,
				     unsigned int line)
{
	if (unlikely(__tb_refcount_sub(1, r, site, line) == 0))
		tb_record_violation(site, line,
				    "refcount_t: decrement hit 0; leaking memory");
}

#define refcount_inc_not_zero(r)					\
	__tb_refcount_inc_not_zero(r, __func__, __LINE__)
#define refcount_inc(r)		__tb_refcount_add(1, r, __func__, __LINE__)
#define refcount_add(i, r)	__tb_refcount_add(i, r, __func__, __LINE__)
#define refcount_dec_and_test(r)					\
	__tb_refcount_dec_and_test(r, __func__, __LINE__)
#define refcount_sub_and_test(i, r)					\
	(__tb_refcount_sub(i, r, __func__, __LINE__) == 0)
#define refcount_dec(r)		__tb_refcount_dec(r, __func__, __LINE__)

#endif /* _TB_KERNEL_REFCOUNT_H */
