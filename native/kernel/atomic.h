/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * atomic.h - atomic_t, atomic_long_t, atomic64_t.
 *
 * Mirrors the kernel API with GCC __atomic builtins.  Value-returning RMWs
 * are fully ordered (as in the kernel); atomic_read/atomic_set are relaxed.
 * Customised for testing: every RMW first calls tb_sched(SCHED_ATOMIC).
 */
#ifndef _TB_KERNEL_ATOMIC_H
#define _TB_KERNEL_ATOMIC_H

#include "kernel/types.h"
#include "kernel/sched.h"

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

#define TB_ATOMIC_OPS(pfx, atype, ctype)				\
static inline ctype pfx##_read(const atype *v)				\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(atype *v, ctype i)				\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline ctype pfx##_add_return(ctype i, atype *v)		\
{									\
	tb_sched(SCHED_ATOMIC, v);					\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_sub_return(ctype i, atype *v)		\
{									\
	tb_sched(SCHED_ATOMIC, v);					\
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline void pfx##_add(ctype i, atype *v)			\
{									\
	(void)pfx##_add_return(i, v);					\
}									\
static inline void pfx##_sub(ctype i, atype *v)			\
{									\
	(void)pfx##_sub_return(i, v);					\
}									\
static inline ctype pfx##_inc_return(atype *v)				\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline ctype pfx##_dec_return(atype *v)				\
{									\
	return pfx##_sub_return(1, v);					\
}									\
static inline void pfx##_inc(atype *v)					\
{									\
	(void)pfx##_add_return(1, v);					\
}									\
static inline void pfx##_dec(atype *v)					\
{									\
	(void)pfx##_sub_return(1, v);					\
}									\
static inline bool pfx##_dec_and_test(atype *v)			\
{									\
	return pfx##_sub_return(1, v) == 0;				\
}									\
static inline bool pfx##_inc_and_test(atype *v)			\
{									\
	return pfx##_add_return(1, v) == 0;				\
}									\
/* Returns the old value, like the kernel's cmpxchg. */		\
static inline ctype pfx##_cmpxchg(atype *v, ctype old, ctype new)	\
{									\
	tb_sched(SCHED_ATOMIC, v);					\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	return old;							\
}									\
static inline ctype pfx##_xchg(atype *v, ctype new)			\
{									\
	tb_sched(SCHED_ATOMIC, v);					\
	return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);	\
}									\
/* Adds a to v unless v was u; returns the old value. */		\
static inline ctype pfx##_fetch_add_unless(atype *v, ctype a, ctype u)	\
{									\
	ctype c = pfx##_read(v);					\
									\
	tb_sched(SCHED_ATOMIC, v);					\
	do {								\
		if (c == u)						\
			break;						\
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c + a,	\
					      false, __ATOMIC_SEQ_CST,	\
					      __ATOMIC_RELAXED));	\
	return c;							\
}									\
static inline bool pfx##_inc_not_zero(atype *v)			\
{									\
	return pfx##_fetch_add_unless(v, 1, 0) != 0;			\
}

TB_ATOMIC_OPS(atomic, atomic_t, int)
TB_ATOMIC_OPS(atomic_long, atomic_long_t, long)
TB_ATOMIC_OPS(atomic64, atomic64_t, s64)

#undef TB_ATOMIC_OPS

#endif /* _TB_KERNEL_ATOMIC_H */
