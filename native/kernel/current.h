/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * current.h - the per-thread task and the per-mm sinks it points at.
 *
 * `current` is a __thread struct task_struct.  The API layer points it at
 * the mm's sinks on entry (tb_current_enter) and clears it on exit
 * (tb_current_leave); everything below the API (WARN, the slab, the event
 * trace) finds its mm's logs and account through it.  A thread with no mm
 * set records violations in tb_global_vlog and charges no account.
 *
 * The mm owns its sinks: tb_vlog_init/destroy, tb_evlog_init/destroy and
 * tb_kmem_account_init are called by mm creation/destruction.
 */
#ifndef _TB_KERNEL_CURRENT_H
#define _TB_KERNEL_CURRENT_H

#include <pthread.h>
#include "kernel/types.h"
#include "testbed.h"

struct mm_struct;
struct lockdep_map;

#define TB_CACHE_NR	(TB_CACHE_REGION + 1)

/* Violations stored per log; later ones are counted but not kept. */
#define TB_VLOG_MAX	4096
/* Events stored per log before they are counted as lost. */
#define TB_EVLOG_MAX	(1UL << 20)

/* A mutex-protected growable array of struct tb_violation. */
struct tb_vlog {
	pthread_mutex_t lock;
	struct tb_violation *v;
	size_t nr;		/* stored */
	size_t cap;		/* allocated */
	u64 total;		/* recorded, including the ones not stored */
};

/* The lifecycle event trace; drained by the reader. */
struct tb_evlog {
	pthread_mutex_t lock;
	struct tb_event *ev;
	size_t nr;
	size_t cap;
	u64 seq;		/* next event number (starts at 1) */
	u64 lost;		/* events dropped because the log was full */
	int mode;		/* enum tb_trace_mode; read/written with __atomic */
};

/*
 * Per-mm kmem accounting.  All fields are accessed with __atomic builtins
 * because many threads charge one mm at once.
 */
struct tb_kmem_account {
	s64 live[TB_CACHE_NR];		/* allocated and not yet freed */
	u64 allocations;		/* successful allocations */
	u64 injected_failures;
	u64 next_id;			/* next object id (starts at 1) */
	u32 inject_cache;		/* enum tb_cache; ANY matches all */
	u64 inject_countdown;		/* 0 = disarmed; 1 = next one fails */
};

/* lockdep-lite: locks this thread holds, in acquisition order. */
#define TB_MAX_HELD_LOCKS	16

struct held_lock {
	const struct lockdep_map *map;
	int read;			/* 1: shared, 0: exclusive */
};

struct task_struct {
	struct mm_struct *mm;		/* opaque to the shims */
	u32 op;				/* enum tb_op_kind being run */
	u64 op_seq;			/* the mm's operation number */
	struct tb_vlog *vlog;
	struct tb_evlog *evlog;
	struct tb_kmem_account *kmem;
	/* this thread's statistics block in mm (mm/vmstat.c), found once per call */
	void *vm_events;
	/* test-only: lockdep-lite state */
	int lockdep_depth;
	struct held_lock held_locks[TB_MAX_HELD_LOCKS];
};

extern __thread struct task_struct tb_current_task;
#define current (&tb_current_task)

/* The log used when current has none (tb_global_violations reads it). */
extern struct tb_vlog tb_global_vlog;

static inline void tb_current_enter(struct mm_struct *mm, struct tb_vlog *vlog,
				    struct tb_evlog *evlog,
				    struct tb_kmem_account *kmem,
				    u32 op, u64 op_seq)
{
	current->mm = mm;
	current->vlog = vlog;
	current->evlog = evlog;
	current->kmem = kmem;
	current->vm_events = NULL;
	current->op = op;
	current->op_seq = op_seq;
}

/* For tb_batch: the same mm, the next operation. */
static inline void tb_current_set_op(u32 op, u64 op_seq)
{
	current->op = op;
	current->op_seq = op_seq;
}

static inline void tb_current_leave(void)
{
	tb_current_enter(NULL, NULL, NULL, NULL, TB_OP_NONE, 0);
}

/* The log a violation goes to now: current's, else the global one. */
static inline struct tb_vlog *tb_current_vlog(void)
{
	return current->vlog ? current->vlog : &tb_global_vlog;
}

void tb_vlog_init(struct tb_vlog *log);
void tb_vlog_destroy(struct tb_vlog *log);
/* Number of violations ever recorded in log (stats.violations). */
u64 tb_vlog_count(struct tb_vlog *log);
/* Copies up to cap stored violations (oldest first); returns the number copied. */
int tb_vlog_copy(struct tb_vlog *log, struct tb_violation *buf, int cap);
u64 tb_vlog_append_all(struct tb_vlog *to, struct tb_vlog *from);

void tb_evlog_init(struct tb_evlog *log);
void tb_evlog_destroy(struct tb_evlog *log);
/* on: TB_TRACE_LIFECYCLE, off: TB_TRACE_OFF. */
void tb_evlog_enable(struct tb_evlog *log, bool on);
void tb_evlog_set_mode(struct tb_evlog *log, int mode);
bool tb_evlog_enabled(struct tb_evlog *log);
u64 tb_evlog_lost(struct tb_evlog *log);
/* Moves up to cap events (oldest first) into buf; returns the number moved. */
int tb_evlog_drain(struct tb_evlog *log, struct tb_event *buf, int cap);

void tb_kmem_account_init(struct tb_kmem_account *acct);
/* Arms the injector: the nth later allocation from cache fails; 0 disarms. */
void tb_kmem_inject(struct tb_kmem_account *acct, u32 cache, u64 nth);
s64 tb_kmem_live(struct tb_kmem_account *acct, u32 cache);
u64 tb_kmem_allocations(struct tb_kmem_account *acct);
u64 tb_kmem_injected_failures(struct tb_kmem_account *acct);

#endif /* _TB_KERNEL_CURRENT_H */
