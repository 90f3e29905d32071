/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.h - the scheduling hook.
 *
 * Customised for testing: every primitive that orders threads calls
 * tb_sched(point, obj) first, so a controlled scheduler installed with
 * tb_set_sched_hook can explore interleavings.  No hook = no-op (one
 * atomic load, plus the line counting of kernel/count.h).  Compiled out
 * entirely in the perf flavour (TB_PERF).  The hook and its ctx are
 * published together as one immutable pair, so a reader never sees a new
 * fn with an old ctx.
 */
#ifndef _TB_KERNEL_SCHED_H
#define _TB_KERNEL_SCHED_H

#include "kernel/types.h"
#include "testbed.h"

struct tb_sched_hook {
	tb_sched_hook_fn fn;
	void *ctx;
	bool controlled;	/* locks retry with TB_SCHED_BLOCKED */
};

extern struct tb_sched_hook *tb_sched_hook_ptr;

#ifdef TB_PERF
/* The perf flavour: no hook, no counting; nothing is left of the call. */
static inline void tb_sched(int point, const void *obj)
{
	(void)point;
	(void)obj;
}
#else
/*
 * The counting of the checked flavour (kernel/sched.c): every scheduling
 * point is also a line write or read to classify (see tb_count_*).
 */
void tb_count_point(int point, const void *obj);

static inline void tb_sched(int point, const void *obj)
{
	struct tb_sched_hook *h;

	tb_count_point(point, obj);
	h = __atomic_load_n(&tb_sched_hook_ptr, __ATOMIC_ACQUIRE);
	if (unlikely(h))
		h->fn(point, obj, h->ctx);
}
#endif

/*
 * True while a controlled hook is installed (tb_set_sched_hook_controlled).
 * The lock shims then never block in pthreads: they retry a trylock and
 * report TB_SCHED_BLOCKED between tries, because a controlled scheduler
 * that runs one thread at a time would deadlock if the one thread it runs
 * slept on a lock held by a thread it has parked.  A plain hook (the
 * stress driver's yields, the interleaving gates) keeps blocking locks.
 */
static inline bool tb_sched_controlled(void)
{
#ifdef TB_PERF
	return false;	/* no hook can be installed */
#else
	struct tb_sched_hook *h;

	h = __atomic_load_n(&tb_sched_hook_ptr, __ATOMIC_ACQUIRE);
	return h && h->controlled;
#endif
}

static inline void cond_resched(void)
{
}

#endif /* _TB_KERNEL_SCHED_H */
