// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - the lifecycle event log.
 */
#include "kernel/trace.h"

void tb_evlog_init(struct tb_evlog *log)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
	log->seq = 1;
}

void tb_evlog_destroy(struct tb_evlog *log)
{
	free(log->ev);
	log->ev = NULL;
	log->nr = log->cap = 0;
	pthread_mutex_destroy(&log->lock);
}

void tb_evlog_enable(struct tb_evlog *log, bool on)
{
	tb_evlog_set_mode(log, on ? TB_TRACE_LIFECYCLE : TB_TRACE_OFF);
}

void tb_evlog_set_mode(struct tb_evlog *log, int mode)
{
	__atomic_store_n(&log->mode, mode, __ATOMIC_RELAXED);
}

bool tb_evlog_enabled(struct tb_evlog *log)
{
	return __atomic_load_n(&log->mode, __ATOMIC_RELAXED) != TB_TRACE_OFF;
}

u64 tb_evlog_lost(struct tb_evlog *log)
{
	u64 lost;

	pthread_mutex_lock(&log->lock);
	lost = log->lost;
	pthread_mutex_unlock(&log->lock);
	return lost;
}

int tb_evlog_drain(struct tb_evlog *log, struct tb_event *buf, int cap)
{
	size_t n;

	if (cap <= 0 || !buf)
		return 0;
	pthread_mutex_lock(&log->lock);
	n = min(log->nr, (size_t)cap);
	if (n) {
		memcpy(buf, log->ev, n * sizeof(*buf));
		memmove(log->ev, log->ev + n, (log->nr - n) * sizeof(*buf));
		log->nr -= n;
	}
	pthread_mutex_unlock(&log->lock);
	return (int)n;
}

#ifndef TB_PERF
/* Called with log->lock held. */
static bool evlog_reserve(struct tb_evlog *log)
{
	struct tb_event *ev;
	size_t cap;

	if (log->nr < log->cap)
		return true;
	if (log->cap >= TB_EVLOG_MAX)
		return false;
	cap = log->cap ? log->cap * 2 : 256;
	if (cap > TB_EVLOG_MAX)
		cap = TB_EVLOG_MAX;
	ev = realloc(log->ev, cap * sizeof(*ev));
	if (!ev)
		return false;
	log->ev = ev;
	log->cap = cap;
	return true;
}

void tb_trace_event(u32 type, u64 object_id, s64 value)
{
	struct tb_evlog *log = current->evlog;
	struct tb_event *ev;

	if (!log || !tb_evlog_enabled(log))
		return;
	/*
	 * Order events only when asked for, and only inside an operation:
	 * an observation call's locks are the API's, not the model's.
	 */
	if (type >= TB_EV_VMA_WRITE_BEGIN &&
	    (__atomic_load_n(&log->mode, __ATOMIC_RELAXED) != TB_TRACE_ORDER ||
	     current->op == TB_OP_NONE))
		return;
	pthread_mutex_lock(&log->lock);
	if (!evlog_reserve(log)) {
		log->lost++;
	} else {
		ev = &log->ev[log->nr++];
		ev->seq = log->seq++;
		ev->op_seq = current->op_seq;
		ev->object_id = object_id;
		ev->value = value;
		ev->type = type;
		ev->op = current->op;
	}
	pthread_mutex_unlock(&log->lock);
}

#endif /* !TB_PERF */

u64 tb_object_id(void)
{
	struct tb_kmem_account *acct = current->kmem;

	if (!acct)
		return 0;
	return __atomic_fetch_add(&acct->next_id, 1, __ATOMIC_RELAXED);
}
