// SPDX-License-Identifier: GPL-2.0-only
/*
 * locks.c - spinlock_t, rwlock_t and rw_semaphore on pthreads.
 *
 * Order of the checking machinery around each operation:
 *   acquire: tb_sched(LOCK) -> lockdep check/record -> block on the lock
 *   release: lockdep release -> unlock -> tb_sched(UNLOCK)
 * lockdep runs before blocking so an order violation is recorded even if
 * the acquisition then deadlocks.  While a controlled scheduling hook is
 * installed "block" means: trylock, and call tb_sched(BLOCKED) between
 * tries (see tb_sched_controlled).
 */
#include "kernel/spinlock.h"
#include "kernel/rwlock.h"
#include "kernel/rwsem.h"
#include "kernel/sched.h"
#include "kernel/bug.h"
#include "kernel/count.h"
#include "kernel/irqflags.h"

/*
 * The checked flavour counts the acquisitions that had to wait
 * (kernel/count.h): it tries first and blocks only when that fails.  The
 * perf flavour blocks at once.
 */
#ifdef TB_PERF
#define acquire_counted(lock, read, trylock_expr, lock_expr)		\
	((void)(lock_expr))
#else
#define acquire_counted(lock, read, trylock_expr, lock_expr)		\
	do {								\
		if (trylock_expr) {					\
			tb_count_wait(lock, read, !(read));		\
			(void)(lock_expr);				\
		}							\
	} while (0)
#endif

/* spinlock_t */

void __spin_lock_init(spinlock_t *lock, const char *name)
{
	pthread_mutex_init(&lock->m, NULL);
	lockdep_init_map(&lock->dep_map, name);
}

void spin_lock_destroy(spinlock_t *lock)
{
	pthread_mutex_destroy(&lock->m);
}

/*
 * A wait with interrupts off is published on the lock for its holder's
 * IPI check (__spin_check_ipi_wait); only a wait: an uncontended acquire
 * never makes anyone wait for us.
 */
static void spin_wait_irqs_off(spinlock_t *lock, int delta)
{
	if (irqs_disabled())
		__atomic_fetch_add(&lock->irqs_off_waiters, delta,
				   __ATOMIC_SEQ_CST);
}

void __spin_lock(spinlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 0, 0, site, line);
	if (!pthread_mutex_trylock(&lock->m))
		return;
	spin_wait_irqs_off(lock, 1);
	if (tb_sched_controlled()) {
		while (pthread_mutex_trylock(&lock->m))
			tb_sched(SCHED_BLOCKED, lock);
	} else {
#ifndef TB_PERF
		tb_count_wait(lock, false, true);
#endif
		pthread_mutex_lock(&lock->m);
	}
	spin_wait_irqs_off(lock, -1);
}

void __spin_check_ipi_wait(spinlock_t *lock, const char *site,
			   unsigned int line)
{
	int n = __atomic_load_n(&lock->irqs_off_waiters, __ATOMIC_SEQ_CST);

	WARN(n > 0,
	     "%s:%u: %s's holder waits for every CPU to answer an IPI while %d wait(s) for %s with interrupts off: deadlock",
	     site, line, lock->dep_map.name, n, lock->dep_map.name);
}

bool __spin_trylock(spinlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, lock);
	if (pthread_mutex_trylock(&lock->m))
		return false;
	lock_acquire(&lock->dep_map, 0, 1, site, line);
	return true;
}

void __spin_unlock(spinlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_mutex_unlock(&lock->m);
	tb_sched(SCHED_UNLOCK, lock);
}

/* rwlock_t */

void __rwlock_init(rwlock_t *lock, const char *name)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
#ifdef PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	pthread_rwlock_init(&lock->l, &attr);
	pthread_rwlockattr_destroy(&attr);
	lock->writers_waiting = 0;
	lockdep_init_map(&lock->dep_map, name);
}

void rwlock_destroy(rwlock_t *lock)
{
	pthread_rwlock_destroy(&lock->l);
}

void __read_lock(rwlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 1, 0, site, line);
	if (tb_sched_controlled()) {
		/* a waiting writer stops new readers, as a qrwlock's */
		while (__atomic_load_n(&lock->writers_waiting, __ATOMIC_SEQ_CST) ||
		       pthread_rwlock_tryrdlock(&lock->l))
			tb_sched(SCHED_BLOCKED, lock);
		return;
	}
	/* writer-preferring: a reader waits only behind a writer */
	acquire_counted(lock, true, pthread_rwlock_tryrdlock(&lock->l),
			pthread_rwlock_rdlock(&lock->l));
}

void __read_unlock(rwlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_rwlock_unlock(&lock->l);
	tb_sched(SCHED_UNLOCK, lock);
}

void __write_lock(rwlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 0, 0, site, line);
	if (tb_sched_controlled()) {
		if (!pthread_rwlock_trywrlock(&lock->l))
			return;
		__atomic_fetch_add(&lock->writers_waiting, 1, __ATOMIC_SEQ_CST);
		do
			tb_sched(SCHED_BLOCKED, lock);
		while (pthread_rwlock_trywrlock(&lock->l));
		__atomic_fetch_sub(&lock->writers_waiting, 1, __ATOMIC_SEQ_CST);
		return;
	}
	acquire_counted(lock, false, pthread_rwlock_trywrlock(&lock->l),
			pthread_rwlock_wrlock(&lock->l));
}

void __write_unlock(rwlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_rwlock_unlock(&lock->l);
	tb_sched(SCHED_UNLOCK, lock);
}

/* struct rw_semaphore: writer-preferring, with an atomic downgrade */

void __init_rwsem(struct rw_semaphore *sem, const char *name)
{
	pthread_mutex_init(&sem->m, NULL);
	pthread_cond_init(&sem->readers_cv, NULL);
	pthread_cond_init(&sem->writers_cv, NULL);
	sem->count = 0;
	sem->waiting_writers = 0;
	sem->read_waiters = 0;
	lockdep_init_map(&sem->dep_map, name);
}

static int rwsem_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

void rwsem_destroy(struct rw_semaphore *sem)
{
	WARN(rwsem_load(&sem->count) != 0,
	     "rwsem %s destroyed while held", sem->dep_map.name);
	pthread_cond_destroy(&sem->readers_cv);
	pthread_cond_destroy(&sem->writers_cv);
	pthread_mutex_destroy(&sem->m);
}

/*
 * One attempt at a read hold: no writer holds it and none waits (writer
 * preference), then count + 1.  A failed cmpxchg against another reader
 * retries; anything else gives up.
 */
static bool rwsem_try_read(struct rw_semaphore *sem)
{
	int c = rwsem_load(&sem->count);

	while (c >= 0 && !rwsem_load(&sem->waiting_writers)) {
		if (__atomic_compare_exchange_n(&sem->count, &c, c + 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	}
	return false;
}

static bool rwsem_try_write(struct rw_semaphore *sem)
{
	int c = 0;

	return __atomic_compare_exchange_n(&sem->count, &c, RWSEM_WRITER,
					   false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* Wakes sleepers after a release: a waiting writer first, else readers. */
static void rwsem_wake(struct rw_semaphore *sem)
{
	if (!rwsem_load(&sem->waiting_writers) &&
	    !rwsem_load(&sem->read_waiters))
		return;
	pthread_mutex_lock(&sem->m);
	if (rwsem_load(&sem->waiting_writers))
		pthread_cond_signal(&sem->writers_cv);
	else
		pthread_cond_broadcast(&sem->readers_cv);
	pthread_mutex_unlock(&sem->m);
}

static void rwsem_down_read_slowpath(struct rw_semaphore *sem)
{
	bool counted = false;

	pthread_mutex_lock(&sem->m);
	__atomic_add_fetch(&sem->read_waiters, 1, __ATOMIC_SEQ_CST);
	while (!rwsem_try_read(sem)) {
		if (!counted) {
			tb_count_wait(sem, true,
				      rwsem_load(&sem->count) == RWSEM_WRITER);
			counted = true;
		}
		pthread_cond_wait(&sem->readers_cv, &sem->m);
	}
	__atomic_sub_fetch(&sem->read_waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&sem->m);
}

void __down_read(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 1, 0, site, line);
	if (tb_sched_controlled()) {
		while (!rwsem_try_read(sem))
			tb_sched(SCHED_SEM_WAIT_READ, sem);
		return;
	}
	if (!rwsem_try_read(sem))
		rwsem_down_read_slowpath(sem);
}

int __down_read_trylock(struct rw_semaphore *sem, const char *site,
			unsigned int line)
{
	int ok;

	tb_sched(SCHED_LOCK, sem);
	ok = rwsem_try_read(sem);
	if (ok)
		lock_acquire(&sem->dep_map, 1, 1, site, line);
	return ok;
}

void __up_read(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	int c = rwsem_load(&sem->count);

	lock_release(&sem->dep_map, site, line);
	do {
		if (WARN(c <= 0, "up_read of %s with count %d",
			 sem->dep_map.name, c))
			return;
	} while (!__atomic_compare_exchange_n(&sem->count, &c, c - 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	/* the last reader lets a waiting writer in */
	if (c == 1)
		rwsem_wake(sem);
	tb_sched(SCHED_UNLOCK, sem);
}

/*
 * What a blocked down_write reports: the 4.16 writer spins while a writer
 * owns the semaphore (rwsem_optimistic_spin) and sleeps behind readers.
 */
static int rwsem_wait_point(struct rw_semaphore *sem)
{
	return rwsem_load(&sem->count) == RWSEM_WRITER ?
	       SCHED_SEM_WAIT_WRITE_ON_WRITER : SCHED_SEM_WAIT_WRITE;
}

void __down_write(struct rw_semaphore *sem, const char *site,
		  unsigned int line)
{
	tb_sched(SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 0, 0, site, line);
	if (tb_sched_controlled()) {
		/*
		 * A writer that must wait queues, as in the uncontrolled path
		 * below and in the kernel's rwsem (a waiter makes the count
		 * negative, so a new reader's fast path fails and it queues
		 * behind the writer): readers that come after it wait too.
		 */
		if (!rwsem_try_write(sem)) {
			__atomic_add_fetch(&sem->waiting_writers, 1,
					   __ATOMIC_SEQ_CST);
			do
				tb_sched(rwsem_wait_point(sem), sem);
			while (!rwsem_try_write(sem));
			__atomic_sub_fetch(&sem->waiting_writers, 1,
					   __ATOMIC_SEQ_CST);
		}
		return;
	}
	if (rwsem_try_write(sem))
		return;
	pthread_mutex_lock(&sem->m);
	__atomic_add_fetch(&sem->waiting_writers, 1, __ATOMIC_SEQ_CST);
	if (!rwsem_try_write(sem)) {
		tb_count_wait(sem, false,
			      rwsem_load(&sem->count) == RWSEM_WRITER);
		do
			pthread_cond_wait(&sem->writers_cv, &sem->m);
		while (!rwsem_try_write(sem));
	}
	__atomic_sub_fetch(&sem->waiting_writers, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&sem->m);
}

int __down_write_trylock(struct rw_semaphore *sem, const char *site,
			 unsigned int line)
{
	int ok;

	tb_sched(SCHED_LOCK, sem);
	ok = rwsem_try_write(sem);
	if (ok)
		lock_acquire(&sem->dep_map, 0, 1, site, line);
	return ok;
}

void __up_write(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	int c = RWSEM_WRITER;

	lock_release(&sem->dep_map, site, line);
	if (WARN(!__atomic_compare_exchange_n(&sem->count, &c, 0, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST),
		 "up_write of %s not write-locked (count %d)",
		 sem->dep_map.name, c))
		return;
	rwsem_wake(sem);
	tb_sched(SCHED_UNLOCK, sem);
}

void __downgrade_write(struct rw_semaphore *sem, const char *site,
		       unsigned int line)
{
	int c = RWSEM_WRITER;

	__lockdep_assert_held(&sem->dep_map, 0, site, line);
	lock_downgrade(&sem->dep_map);
	if (!WARN(!__atomic_compare_exchange_n(&sem->count, &c, 1, false,
					       __ATOMIC_SEQ_CST,
					       __ATOMIC_SEQ_CST),
		  "downgrade_write of %s not write-locked (count %d)",
		  sem->dep_map.name, c)) {
		/*
		 * Other readers may join only if no writer waits; with one
		 * waiting, they keep waiting behind it (writer preference).
		 */
		if (!rwsem_load(&sem->waiting_writers) &&
		    rwsem_load(&sem->read_waiters)) {
			pthread_mutex_lock(&sem->m);
			pthread_cond_broadcast(&sem->readers_cv);
			pthread_mutex_unlock(&sem->m);
		}
	}
	tb_sched(SCHED_UNLOCK, sem);
}

int rwsem_is_locked(struct rw_semaphore *sem)
{
	return rwsem_load(&sem->count) != 0;
}
