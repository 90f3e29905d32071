// SPDX-License-Identifier: GPL-2.0-only
/*
 * TEST ONLY: a library whose one function crashes the calling process.
 *
 * The crash-isolation tests load it into a worker process (testbed-worker
 * --crash-library) to show that a native crash becomes a result row and
 * leaves the rest of a batch or suite running.  It is built next to the
 * release libraries but never shipped: the model's ABI (testbed.h) has no
 * way to crash on purpose.
 */
#include <stdlib.h>

__attribute__((visibility("default"))) int tb_test_crash(int how);

int tb_test_crash(int how)
{
	if (how == 1) {
		volatile int *volatile p = NULL;

		*p = 1;		/* SIGSEGV */
		return -1;
	}
	if (how == 2)
		abort();	/* SIGABRT */
	return -22;		/* -EINVAL: an unknown way to crash */
}
