// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - installing the scheduling hook.
 *
 * A hook is published as an immutable {fn, ctx} pair.  A thread may still
 * be calling an old pair after it was replaced, so replaced pairs are
 * never freed; they stay on a list (reachable, so leak checkers are quiet).
 * Installing hooks is rare (once per controlled run).
 *
 * Also the counted costs of the checked flavour (kernel/count.h): the
 * counting sits in tb_sched, so it lives beside the hook.
 */
#include <pthread.h>
#include "kernel/sched.h"
#include "kernel/irqflags.h"

/* kernel/irqflags.h: this thread's local_irq_disable depth */
__thread unsigned int tb_irqs_off;

struct hook_pair {
	struct tb_sched_hook hook;
	struct hook_pair *next;
};

struct tb_sched_hook *tb_sched_hook_ptr;

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hook_pair *retired_hooks;

int tb_sched_set_hook(sched_hook_fn fn, void *ctx, bool controlled)
{
	struct hook_pair *pair = NULL;

	if (!fn && ctx)
		return -EINVAL;
#ifdef TB_PERF
	/* compiled out: a hook would never be called */
	if (fn)
		return -EOPNOTSUPP;
#endif
	if (fn) {
		pair = calloc(1, sizeof(*pair));
		if (!pair)
			return -ENOMEM;
		pair->hook.fn = fn;
		pair->hook.ctx = ctx;
		pair->hook.controlled = controlled;
	}
	pthread_mutex_lock(&hook_lock);
	if (pair) {
		pair->next = retired_hooks;
		retired_hooks = pair;
	}
	__atomic_store_n(&tb_sched_hook_ptr, pair ? &pair->hook : NULL,
			 __ATOMIC_RELEASE);
	pthread_mutex_unlock(&hook_lock);
	return 0;
}

/* ---- counted costs (checked flavour) ---------------------------------- */

#include "kernel/count.h"
#include "kernel/current.h"

struct thread_counts {
	struct line_counts op[TB_COUNT_OPS];
	struct thread_counts *next;
};

static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct thread_counts *live_counts;	/* one per counting thread */
static struct thread_counts retired_counts;	/* of threads that exited */
static tb_line_classifier line_classifier;
static tb_held_writers_fn held_writers;

void tb_count_set_classifier(tb_line_classifier fn, tb_held_writers_fn held)
{
	__atomic_store_n(&held_writers, held, __ATOMIC_RELEASE);
	__atomic_store_n(&line_classifier, fn, __ATOMIC_RELEASE);
}

/*
 * The counters are written by their thread only and read by tb_counts
 * from another: relaxed atomic loads and stores, no RMW (no shared line).
 */
#define COUNT_ADD(field, n)						\
	__atomic_store_n(&(field), __atomic_load_n(&(field),		\
			 __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)

static void add_counts(struct line_counts *to, const struct line_counts *from)
{
	const u64 *f = (const u64 *)from;
	u64 *t = (u64 *)to;
	size_t i;

	for (i = 0; i < sizeof(*to) / sizeof(u64); i++)
		COUNT_ADD(t[i], __atomic_load_n(&f[i], __ATOMIC_RELAXED));
}

#ifndef TB_PERF
static pthread_key_t counts_key;
static pthread_once_t counts_once = PTHREAD_ONCE_INIT;
static __thread struct thread_counts *my_counts;

/* A thread exits: fold its counters into the retired sums. */
static void counts_retire(void *p)
{
	struct thread_counts *tc = p, **pp;
	int i;

	pthread_mutex_lock(&counts_lock);
	for (pp = &live_counts; *pp; pp = &(*pp)->next) {
		if (*pp == tc) {
			*pp = tc->next;
			break;
		}
	}
	for (i = 0; i < TB_COUNT_OPS; i++)
		add_counts(&retired_counts.op[i], &tc->op[i]);
	pthread_mutex_unlock(&counts_lock);
	free(tc);
}

static void counts_init(void)
{
	pthread_key_create(&counts_key, counts_retire);
}

/* This thread's counters for current->op; NULL when out of memory. */
static struct line_counts *my_op_counts(void)
{
	struct thread_counts *tc = my_counts;
	u32 op = current->op;

	if (unlikely(!tc)) {
		pthread_once(&counts_once, counts_init);
		tc = calloc(1, sizeof(*tc));
		if (!tc)
			return NULL;
		pthread_mutex_lock(&counts_lock);
		tc->next = live_counts;
		live_counts = tc;
		pthread_mutex_unlock(&counts_lock);
		pthread_setspecific(counts_key, tc);
		my_counts = tc;
	}
	return &tc->op[op < TB_COUNT_OPS ? op : TASK_OP_NONE];
}

static enum tb_line classify(const void *obj, bool is_lock)
{
	tb_line_classifier fn = __atomic_load_n(&line_classifier,
						__ATOMIC_ACQUIRE);

	return fn ? fn(obj, is_lock) : TB_LINE_OTHER;
}

/* A step of a writer section: the thread holds mmap_sem or mm_rb_lock for write. */
static void count_writer_step(struct line_counts *c)
{
	tb_held_writers_fn fn = __atomic_load_n(&held_writers,
						__ATOMIC_ACQUIRE);
	unsigned int held = fn ? fn() : 0;

	if (held & TB_HELD_MMAP_SEM_WRITE)
		COUNT_ADD(c->mmap_sem_write_steps, 1);
	if (held & TB_HELD_MM_RB_LOCK_WRITE)
		COUNT_ADD(c->mm_rb_lock_write_steps, 1);
}

void tb_count_point(int point, const void *obj)
{
	struct line_counts *c;

	/*
	 * a read leaves the line shared; BLOCKED reports a retry, PREEMPT
	 * a window and WAKE a wake-up, not a write
	 */
	if (point == SCHED_SEQ_READ || tb_sched_point_blocked(point) ||
	    point == SCHED_PREEMPT || point == SCHED_WAKE)
		return;
	c = my_op_counts();
	if (!c)
		return;
	count_writer_step(c);
	if (point == SCHED_SEQ_BEGIN || point == SCHED_SEQ_END) {
		COUNT_ADD(c->seq_writes, 1);
		return;
	}
	switch (classify(obj, point != SCHED_ATOMIC)) {
	case TB_LINE_MMAP_SEM:
		COUNT_ADD(c->mmap_sem_writes, 1);
		break;
	case TB_LINE_MM_RB_LOCK:
		COUNT_ADD(c->mm_rb_lock_writes, 1);
		break;
	case TB_LINE_MM_PTL:
		COUNT_ADD(c->page_table_lock_writes, 1);
		break;
	case TB_LINE_PTL:
		COUNT_ADD(c->ptl_writes, 1);
		break;
	case TB_LINE_TESTBED:
		COUNT_ADD(c->testbed_writes, 1);
		break;
	case TB_LINE_VMA:
		COUNT_ADD(c->vma_rmw, 1);
		break;
	default:
		COUNT_ADD(c->other_lock_writes, 1);
		break;
	}
}

void tb_count_wait(const void *lock, bool read, bool behind_writer)
{
	struct line_counts *c = my_op_counts();

	if (!c)
		return;
	switch (classify(lock, true)) {
	case TB_LINE_MMAP_SEM:
		if (!read) {
			COUNT_ADD(c->mmap_sem_write_waits, 1);
			break;
		}
		COUNT_ADD(c->mmap_sem_read_waits, 1);
		if (behind_writer)
			COUNT_ADD(c->mmap_sem_read_waits_writer, 1);
		break;
	case TB_LINE_MM_RB_LOCK:
		if (read)
			COUNT_ADD(c->mm_rb_lock_read_waits, 1);
		else
			COUNT_ADD(c->mm_rb_lock_write_waits, 1);
		break;
	case TB_LINE_MM_PTL:
	case TB_LINE_PTL:
		COUNT_ADD(c->ptl_waits, 1);
		break;
	default:
		break;
	}
}

void tb_count_op(u32 op)
{
	struct line_counts *c;
	u32 saved = current->op;

	current->op = op;
	c = my_op_counts();
	current->op = saved;
	if (c)
		COUNT_ADD(c->ops, 1);
}
#endif /* !TB_PERF */

int tb_counts_sum(u32 op, struct line_counts *out)
{
	struct thread_counts *tc;

	if (op >= TB_COUNT_OPS || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&counts_lock);
	add_counts(out, &retired_counts.op[op]);
	for (tc = live_counts; tc; tc = tc->next)
		add_counts(out, &tc->op[op]);
	pthread_mutex_unlock(&counts_lock);
	return 0;
}

void tb_counts_clear(void)
{
	struct thread_counts *tc;
	int i;

	pthread_mutex_lock(&counts_lock);
	memset(&retired_counts, 0, sizeof(retired_counts));
	for (tc = live_counts; tc; tc = tc->next)
		for (i = 0; i < TB_COUNT_OPS; i++)
			memset(&tc->op[i], 0, sizeof(tc->op[i]));
	pthread_mutex_unlock(&counts_lock);
}
