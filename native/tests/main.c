// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - runner for the kernel shim unit tests.
 */
#include <stdlib.h>
#include "harness.h"

int tests_run, tests_passed, tests_failed;

int main(void)
{
	run_rbtree_tests();
	run_refcount_tests();
	run_lockdep_tests();
	run_slab_tests();
	run_seqlock_tests();
	run_sched_tests();
	run_rwsem_tests();
	printf("%d tests run, %d passed, %d failed\n",
	       tests_run, tests_passed, tests_failed);
	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
