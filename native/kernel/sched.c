// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - installing the scheduling hook.
 *
 * A hook is published as an immutable {fn, ctx} pair.  A thread may still
 * be calling an old pair after it was replaced, so replaced pairs are
 * never freed; they stay on a list (reachable, so leak checkers are quiet).
 * Installing hooks is rare (once per controlled run).
 */
#include <pthread.h>
#include "kernel/sched.h"

struct hook_pair {
	struct tb_sched_hook hook;
	struct hook_pair *next;
};

struct tb_sched_hook *tb_sched_hook_ptr;

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hook_pair *retired_hooks;

static int set_hook(tb_sched_hook_fn fn, void *ctx, bool controlled)
{
	struct hook_pair *pair = NULL;

	if (!fn && ctx)
		return -EINVAL;
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

TB_API int tb_set_sched_hook(tb_sched_hook_fn fn, void *ctx)
{
	return set_hook(fn, ctx, false);
}

/* The same, with the blocking protocol on (see tb_sched_controlled). */
TB_API int tb_set_sched_hook_controlled(tb_sched_hook_fn fn, void *ctx)
{
	return set_hook(fn, ctx, true);
}
