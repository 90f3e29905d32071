// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_test.c - the blocking protocol of a controlled scheduling hook:
 * a contended lock is retried with SCHED_BLOCKED (an rw_semaphore: the
 * SCHED_SEM_WAIT_* point that says what the kernel's rwsem would do)
 * between tries instead of sleeping, and only while a controlled hook is
 * installed.
 */
#include <pthread.h>
#include <sched.h>
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/rwsem.h"
#include "harness.h"
#include "util.h"

struct blocked_count {
	int blocked;		/* blocked tries reported so far */
	const void *obj;	/* the object of the last one */
	int point;		/* and its point */
	const void *woken;	/* the object of the last SCHED_WAKE */
};

static void blocked_hook(int point, const void *obj, void *ctx)
{
	struct blocked_count *b = ctx;

	if (tb_sched_point_blocked(point)) {
		__atomic_store_n(&b->obj, obj, __ATOMIC_RELAXED);
		__atomic_store_n(&b->point, point, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->blocked, 1, __ATOMIC_RELEASE);
	}
	if (point == SCHED_WAKE)
		__atomic_store_n(&b->woken, obj, __ATOMIC_RELAXED);
}

/* Waits (bounded) until the other thread reported BLOCKED n times. */
static bool wait_blocked(struct blocked_count *b, int n)
{
	long spins;

	for (spins = 0; spins < 100000000L; spins++) {
		if (__atomic_load_n(&b->blocked, __ATOMIC_ACQUIRE) >= n)
			return true;
		sched_yield();
	}
	return false;
}

static void *take_spin(void *arg)
{
	spinlock_t *l = arg;

	spin_lock(l);
	spin_unlock(l);
	return NULL;
}

static void *take_rwsem_write(void *arg)
{
	struct rw_semaphore *sem = arg;

	down_write(sem);
	up_write(sem);
	return NULL;
}

static bool test_controlled_hook_retries_contended_locks(void)
{
	struct blocked_count b = { 0, NULL, 0, NULL };
	struct rw_semaphore sem;
	spinlock_t l;
	pthread_t t;

	spin_lock_init(&l);
	init_rwsem(&sem);
	ASSERT_EQ(tb_sched_set_hook(NULL, &b, true), -EINVAL);
	ASSERT_EQ(tb_sched_set_hook(blocked_hook, &b, true), 0);

	spin_lock(&l);
	ASSERT_EQ(pthread_create(&t, NULL, take_spin, &l), 0);
	ASSERT_TRUE(wait_blocked(&b, 3));
	ASSERT_TRUE(__atomic_load_n(&b.obj, __ATOMIC_RELAXED) == &l);
	/* a spinlock spins: never one of the rwsem's sleeping points */
	ASSERT_EQ(__atomic_load_n(&b.point, __ATOMIC_RELAXED), SCHED_BLOCKED);
	spin_unlock(&l);
	ASSERT_EQ(pthread_join(t, NULL), 0);

	b.blocked = 0;
	down_read(&sem);
	ASSERT_EQ(pthread_create(&t, NULL, take_rwsem_write, &sem), 0);
	ASSERT_TRUE(wait_blocked(&b, 3));
	/*
	 * a writer behind a reader: the 4.16 rwsem's writer sleeps in the
	 * wait list, on its own wait, which the last reader's up_read wakes
	 */
	ASSERT_EQ(__atomic_load_n(&b.point, __ATOMIC_RELAXED),
		  SCHED_SEM_WAIT_WRITE);
	ASSERT_TRUE(__atomic_load_n(&b.obj, __ATOMIC_RELAXED) != &sem);
	up_read(&sem);
	ASSERT_TRUE(__atomic_load_n(&b.woken, __ATOMIC_RELAXED) ==
		    __atomic_load_n(&b.obj, __ATOMIC_RELAXED));
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_FALSE(rwsem_is_locked(&sem));

	ASSERT_EQ(tb_sched_set_hook(NULL, NULL, false), 0);
	rwsem_destroy(&sem);
	spin_lock_destroy(&l);
	return true;
}

static bool test_plain_hook_keeps_blocking_locks(void)
{
	struct blocked_count b = { 0, NULL, 0, NULL };
	spinlock_t l;
	pthread_t t;

	spin_lock_init(&l);
	ASSERT_EQ(tb_sched_set_hook(blocked_hook, &b, false), 0);
	spin_lock(&l);
	ASSERT_EQ(pthread_create(&t, NULL, take_spin, &l), 0);
	ASSERT_FALSE(tb_sched_controlled());
	spin_unlock(&l);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_EQ(tb_sched_set_hook(NULL, NULL, false), 0);
	ASSERT_EQ(b.blocked, 0);
	spin_lock_destroy(&l);
	return true;
}

void run_sched_tests(void)
{
	TEST(controlled_hook_retries_contended_locks);
	TEST(plain_hook_keeps_blocking_locks);
}
