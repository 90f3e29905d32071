/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.h - the scheduling hook.
 *
 * Customised for testing: every primitive that orders threads calls
 * tb_sched(point, obj) first, so a controlled scheduler installed with
 * tb_sched_set_hook can explore interleavings.  No hook = no-op (one
 * atomic load, plus the line counting of kernel/count.h).  Compiled out
 * entirely in the perf flavour (TB_PERF).  The hook and its ctx are
 * published together as one immutable pair, so a reader never sees a new
 * fn with an old ctx.
 */
#ifndef _TB_KERNEL_SCHED_H
#define _TB_KERNEL_SCHED_H

#include "kernel/types.h"

/*
 * Where the shims call the hook.  The API layer hands these numbers to
 * the testbed's caller unchanged (api/kernel.c holds them equal to
 * testbed.h's TB_SCHED_*).
 */
enum sched_point {
	SCHED_LOCK = 1,		/* before acquiring any lock */
	SCHED_UNLOCK = 2,	/* after releasing any lock */
	SCHED_ATOMIC = 3,	/* before a protocol atomic RMW */
	SCHED_SEQ_BEGIN = 4,	/* write_seqcount_begin */
	SCHED_SEQ_END = 5,	/* write_seqcount_end */
	SCHED_SEQ_READ = 6,	/* raw_read_seqcount / retry */
	SCHED_BLOCKED = 7,	/* a controlled hook: lock taken, try again */
	SCHED_RCU_SYNC = 8,	/* synchronize_rcu, before it waits */
	SCHED_PREEMPT = 9,	/* a window no primitive marks (see below) */
	/* a controlled hook: an rw_semaphore's waits (testbed.h) */
	SCHED_SEM_WAIT_READ = 10,	/* down_read: asleep in the wait list */
	SCHED_SEM_WAIT_WRITE = 11,	/* down_write: asleep in the wait list */
	SCHED_SEM_WAIT_WRITE_ON_WRITER = 12, /* down_write: spins on a writer */
	SCHED_WAKE = 13,	/* a controlled hook: wakes the sleeper on obj */
};

typedef void (*sched_hook_fn)(int point, const void *obj, void *ctx);

struct tb_sched_hook {
	sched_hook_fn fn;
	void *ctx;
	bool controlled;	/* locks retry with SCHED_BLOCKED */
};

extern struct tb_sched_hook *tb_sched_hook_ptr;

/*
 * Installs fn (NULL: none; ctx must then be NULL too, else -EINVAL).
 * controlled: the lock shims retry instead of blocking (see
 * tb_sched_controlled).  -EOPNOTSUPP for a hook in the perf flavour.
 */
int tb_sched_set_hook(sched_hook_fn fn, void *ctx, bool controlled);

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
 * True while a controlled hook is installed (tb_sched_set_hook, controlled).
 * The lock shims then never block in pthreads: they retry a trylock and
 * report SCHED_BLOCKED between tries, because a controlled scheduler
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

/* Whether point reports a blocked try (any lock): a retry, not a write. */
static inline bool tb_sched_point_blocked(int point)
{
	return point == SCHED_BLOCKED || point == SCHED_SEM_WAIT_READ ||
	       point == SCHED_SEM_WAIT_WRITE ||
	       point == SCHED_SEM_WAIT_WRITE_ON_WRITER;
}

static inline void cond_resched(void)
{
}

/*
 * A point where another CPU's work may land although this thread calls
 * no primitive: the window between a lockless reader's reads and their
 * re-check, or a wait for other CPUs (a TLB flush's IPIs) inside a lock.
 * Only the hook sees it; nothing is counted.
 */
static inline void tb_preempt_point(const void *obj)
{
	tb_sched(SCHED_PREEMPT, obj);
}

#endif /* _TB_KERNEL_SCHED_H */
