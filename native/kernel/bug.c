// SPDX-License-Identifier: GPL-2.0-only
/*
 * bug.c - violation recording (the WARN/BUG back end) and violation logs.
 */
#include <stdarg.h>
#include <stdio.h>
#include "kernel/bug.h"
#include "kernel/current.h"

__thread struct task_struct tb_current_task;

struct tb_vlog tb_global_vlog = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

void tb_vlog_init(struct tb_vlog *log)
{
	memset(log, 0, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
}

void tb_vlog_destroy(struct tb_vlog *log)
{
	free(log->v);
	log->v = NULL;
	log->nr = log->cap = 0;
	pthread_mutex_destroy(&log->lock);
}

u64 tb_vlog_count(struct tb_vlog *log)
{
	u64 n;

	pthread_mutex_lock(&log->lock);
	n = log->total;
	pthread_mutex_unlock(&log->lock);
	return n;
}

int tb_vlog_copy(struct tb_vlog *log, struct vlog_entry *buf, int cap)
{
	size_t n;

	if (cap <= 0 || !buf)
		return 0;
	pthread_mutex_lock(&log->lock);
	n = min(log->nr, (size_t)cap);
	if (n)
		memcpy(buf, log->v, n * sizeof(*buf));
	pthread_mutex_unlock(&log->lock);
	return (int)n;
}

/* Called with log->lock held: room for one more, or false when full. */
static bool vlog_reserve(struct tb_vlog *log)
{
	struct vlog_entry *v;
	size_t cap;

	if (log->nr < log->cap)
		return true;
	if (log->cap >= TB_VLOG_MAX)
		return false;
	cap = log->cap ? log->cap * 2 : 16;
	if (cap > TB_VLOG_MAX)
		cap = TB_VLOG_MAX;
	v = realloc(log->v, cap * sizeof(*v));
	if (!v)
		return false;
	log->v = v;
	log->cap = cap;
	return true;
}

/*
 * Appends every violation stored in from to to, oldest first, each with
 * its op, op_seq, site and message and a new seq of to's; returns how
 * many from recorded (stored or not).
 */
u64 tb_vlog_append_all(struct tb_vlog *to, struct tb_vlog *from)
{
	size_t i;
	u64 total;

	pthread_mutex_lock(&from->lock);
	pthread_mutex_lock(&to->lock);
	for (i = 0; i < from->nr; i++) {
		struct vlog_entry viol = from->v[i];

		viol.seq = ++to->total;
		if (vlog_reserve(to))
			to->v[to->nr++] = viol;
	}
	to->total += from->total - from->nr;
	total = from->total;
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
	return total;
}

void tb_record_violation(const char *site, unsigned int line,
			 const char *fmt, ...)
{
	struct tb_vlog *log = tb_current_vlog();
	struct vlog_entry viol;
	va_list ap;

	memset(&viol, 0, sizeof(viol));
	viol.op_seq = current->op_seq;
	viol.op = current->op;
	viol.line = line;
	snprintf(viol.site, sizeof(viol.site), "%s", site ? site : "?");
	va_start(ap, fmt);
	vsnprintf(viol.message, sizeof(viol.message), fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&log->lock);
	viol.seq = ++log->total;
	if (vlog_reserve(log))
		log->v[log->nr++] = viol;
	pthread_mutex_unlock(&log->lock);
}

void tb_count_violation(const char *site, unsigned int line)
{
	tb_record_violation(site, line, "%s", "(perf flavour: message not kept)");
}
