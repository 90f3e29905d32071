/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - helpers shared by the shim tests: a private violation log
 * installed as current's, and a seeded PRNG.
 */
#ifndef _TB_TESTS_UTIL_H
#define _TB_TESTS_UTIL_H

#include "kernel/current.h"
#include "testbed.h"	/* the API's operation numbers, for current->op */

/* Points current at fresh sinks; test_sinks_put restores a bare thread. */
struct test_sinks {
	struct tb_vlog vlog;
	struct tb_evlog evlog;
	struct tb_kmem_account kmem;
};

static inline void test_sinks_get(struct test_sinks *s)
{
	tb_vlog_init(&s->vlog);
	tb_evlog_init(&s->evlog);
	tb_kmem_account_init(&s->kmem);
	tb_current_enter(NULL, &s->vlog, &s->evlog, &s->kmem, TASK_OP_NONE, 1);
}

static inline void test_sinks_put(struct test_sinks *s)
{
	tb_current_leave();
	tb_vlog_destroy(&s->vlog);
	tb_evlog_destroy(&s->evlog);
}

/* xorshift64*: deterministic for a seed. */
static inline u64 test_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#endif /* _TB_TESTS_UTIL_H */
