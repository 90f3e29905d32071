// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockdep_test.c - lockdep-lite ranks, assertions, and the rwsem.
 */
#include <pthread.h>
#include "kernel/rwsem.h"
#include "kernel/rwlock.h"
#include "kernel/spinlock.h"
#include "harness.h"
#include "util.h"

/* Named like the mm's fields so the ranks come from the names. */
struct fake_mm {
	struct rw_semaphore mmap_sem;
	rwlock_t mm_rb_lock;
	spinlock_t page_table_lock;
	spinlock_t other;
};

static void fake_mm_init(struct fake_mm *mm)
{
	init_rwsem(&mm->mmap_sem);
	rwlock_init(&mm->mm_rb_lock);
	spin_lock_init(&mm->page_table_lock);
	spin_lock_init(&mm->other);
}

static bool test_lockdep_ranks_from_names(void)
{
	struct fake_mm mm;

	fake_mm_init(&mm);
	ASSERT_EQ(mm.mmap_sem.dep_map.rank, LOCK_RANK_MMAP_SEM);
	ASSERT_EQ(mm.mm_rb_lock.dep_map.rank, LOCK_RANK_MM_RB_LOCK);
	ASSERT_EQ(mm.page_table_lock.dep_map.rank, LOCK_RANK_PAGE_TABLE_LOCK);
	ASSERT_EQ(mm.other.dep_map.rank, LOCK_RANK_LEAF);
	return true;
}

static bool test_lockdep_good_order_is_silent(void)
{
	struct test_sinks s;
	struct fake_mm mm;

	test_sinks_get(&s);
	fake_mm_init(&mm);
	down_write(&mm.mmap_sem);
	write_lock(&mm.mm_rb_lock);
	spin_lock(&mm.page_table_lock);
	lockdep_assert_held_write(&mm.mmap_sem);
	lockdep_assert_held_write(&mm.mm_rb_lock);
	lockdep_assert_held(&mm.page_table_lock);
	ASSERT_EQ(lockdep_depth(), 3);
	/* Out-of-order release is allowed. */
	write_unlock(&mm.mm_rb_lock);
	spin_unlock(&mm.page_table_lock);
	downgrade_write(&mm.mmap_sem);
	lockdep_assert_held_read(&mm.mmap_sem);
	up_read(&mm.mmap_sem);
	ASSERT_EQ(lockdep_depth(), 0);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	test_sinks_put(&s);
	return true;
}

static bool test_lockdep_mmap_sem_under_rb_lock_is_violation(void)
{
	struct test_sinks s;
	struct vlog_entry v;
	struct fake_mm mm;

	test_sinks_get(&s);
	fake_mm_init(&mm);
	read_lock(&mm.mm_rb_lock);
	down_read(&mm.mmap_sem);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	ASSERT_EQ(tb_vlog_copy(&s.vlog, &v, 1), 1);
	ASSERT_TRUE(strstr(v.message, "mmap_sem") != NULL);
	ASSERT_TRUE(strstr(v.message, "mm_rb_lock") != NULL);
	ASSERT_TRUE(strcmp(v.site, __func__) == 0);
	up_read(&mm.mmap_sem);
	read_unlock(&mm.mm_rb_lock);

	/* Under page_table_lock too; a trylock is exempt. */
	spin_lock(&mm.page_table_lock);
	ASSERT_TRUE(down_read_trylock(&mm.mmap_sem));
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	up_read(&mm.mmap_sem);
	down_read(&mm.mmap_sem);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 2);
	up_read(&mm.mmap_sem);
	spin_unlock(&mm.page_table_lock);
	ASSERT_EQ(lockdep_depth(), 0);
	test_sinks_put(&s);
	return true;
}

static bool test_lockdep_asserts_and_bad_release(void)
{
	struct test_sinks s;
	struct fake_mm mm;

	test_sinks_get(&s);
	fake_mm_init(&mm);
	lockdep_assert_held(&mm.mmap_sem);		/* 1: not held */
	down_read(&mm.mmap_sem);
	lockdep_assert_held_write(&mm.mmap_sem);	/* 2: wrong mode */
	lockdep_assert_held_read(&mm.mmap_sem);
	up_read(&mm.mmap_sem);
	/* Read recursion: deadlocks once a writer queues in between. */
	read_lock(&mm.mm_rb_lock);
	read_lock(&mm.mm_rb_lock);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 3);
	ASSERT_EQ(lockdep_depth(), 2);
	read_unlock(&mm.mm_rb_lock);
	read_unlock(&mm.mm_rb_lock);
	ASSERT_EQ(lockdep_depth(), 0);
	write_unlock(&mm.mm_rb_lock);			/* 4: not held */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 4);
	test_sinks_put(&s);
	return true;
}

/* A write lock waits for readers; downgrade lets readers in, not writers. */
struct rwsem_arg {
	struct rw_semaphore *sem;
	int *shared;
};

static void *writer_thread(void *p)
{
	struct rwsem_arg *a = p;

	down_write(a->sem);
	*a->shared = 2;
	up_write(a->sem);
	return NULL;
}

static bool test_rwsem_excludes_writer_while_read(void)
{
	struct rw_semaphore sem;
	struct rwsem_arg a;
	pthread_t t;
	int shared = 1;

	init_rwsem(&sem);
	a.sem = &sem;
	a.shared = &shared;
	down_write(&sem);
	pthread_create(&t, NULL, writer_thread, &a);
	downgrade_write(&sem);
	/* Still held for read: the writer cannot have run. */
	ASSERT_EQ(__atomic_load_n(&shared, __ATOMIC_RELAXED), 1);
	ASSERT_FALSE(down_write_trylock(&sem));
	up_read(&sem);
	pthread_join(t, NULL);
	ASSERT_EQ(shared, 2);
	ASSERT_FALSE(rwsem_is_locked(&sem));
	rwsem_destroy(&sem);
	return true;
}

void run_lockdep_tests(void)
{
	TEST(lockdep_ranks_from_names);
	TEST(lockdep_good_order_is_silent);
	TEST(lockdep_mmap_sem_under_rb_lock_is_violation);
	TEST(lockdep_asserts_and_bad_release);
	TEST(rwsem_excludes_writer_while_read);
}
