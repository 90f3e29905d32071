/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harness.h - a tiny test harness in the style of tools/testing/vma:
 * tests are functions returning bool, ASSERT_* print file:line and fail
 * the test, run_*_tests() run one area.
 */
#ifndef _TB_TESTS_HARNESS_H
#define _TB_TESTS_HARNESS_H

#include <stdio.h>
#include "kernel/types.h"

extern int tests_run, tests_passed, tests_failed;

#define ASSERT_TRUE(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: ASSERT_TRUE(%s) failed\n",	\
			__FILE__, __LINE__, #cond);			\
		return false;						\
	}								\
} while (0)
#define ASSERT_FALSE(cond)	ASSERT_TRUE(!(cond))
#define ASSERT_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		fprintf(stderr, "%s:%d: ASSERT_EQ(%s, %s) failed: %lld != %lld\n", \
			__FILE__, __LINE__, #a, #b, __a, __b);		\
		return false;						\
	}								\
} while (0)
#define ASSERT_NE(a, b)		ASSERT_TRUE((a) != (b))

#define TEST(name) do {							\
	bool __ok;							\
	tests_run++;							\
	__ok = test_##name();						\
	if (__ok)							\
		tests_passed++;						\
	else {								\
		tests_failed++;						\
		fprintf(stderr, "FAIL: %s\n", #name);			\
	}								\
} while (0)

void run_rbtree_tests(void);
void run_refcount_tests(void);
void run_lockdep_tests(void);
void run_slab_tests(void);
void run_seqlock_tests(void);
void run_sched_tests(void);
void run_rwsem_tests(void);

#endif /* _TB_TESTS_HARNESS_H */
