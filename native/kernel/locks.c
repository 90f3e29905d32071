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

void __spin_lock(spinlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 0, 0, site, line);
	if (tb_sched_controlled()) {
		while (pthread_mutex_trylock(&lock->m))
			tb_sched(TB_SCHED_BLOCKED, lock);
		return;
	}
	pthread_mutex_lock(&lock->m);
}

bool __spin_trylock(spinlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, lock);
	if (pthread_mutex_trylock(&lock->m))
		return false;
	lock_acquire(&lock->dep_map, 0, 1, site, line);
	return true;
}

void __spin_unlock(spinlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_mutex_unlock(&lock->m);
	tb_sched(TB_SCHED_UNLOCK, lock);
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
	lockdep_init_map(&lock->dep_map, name);
}

void rwlock_destroy(rwlock_t *lock)
{
	pthread_rwlock_destroy(&lock->l);
}

void __read_lock(rwlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 1, 0, site, line);
	if (tb_sched_controlled()) {
		while (pthread_rwlock_tryrdlock(&lock->l))
			tb_sched(TB_SCHED_BLOCKED, lock);
		return;
	}
	pthread_rwlock_rdlock(&lock->l);
}

void __read_unlock(rwlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_rwlock_unlock(&lock->l);
	tb_sched(TB_SCHED_UNLOCK, lock);
}

void __write_lock(rwlock_t *lock, const char *site, unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, lock);
	lock_acquire(&lock->dep_map, 0, 0, site, line);
	if (tb_sched_controlled()) {
		while (pthread_rwlock_trywrlock(&lock->l))
			tb_sched(TB_SCHED_BLOCKED, lock);
		return;
	}
	pthread_rwlock_wrlock(&lock->l);
}

void __write_unlock(rwlock_t *lock, const char *site, unsigned int line)
{
	lock_release(&lock->dep_map, site, line);
	pthread_rwlock_unlock(&lock->l);
	tb_sched(TB_SCHED_UNLOCK, lock);
}

/* struct rw_semaphore: writer-preferring, with an atomic downgrade */

void __init_rwsem(struct rw_semaphore *sem, const char *name)
{
	pthread_mutex_init(&sem->m, NULL);
	pthread_cond_init(&sem->readers_cv, NULL);
	pthread_cond_init(&sem->writers_cv, NULL);
	sem->readers = 0;
	sem->writer = 0;
	sem->waiting_writers = 0;
	lockdep_init_map(&sem->dep_map, name);
}

void rwsem_destroy(struct rw_semaphore *sem)
{
	WARN(sem->readers || sem->writer,
	     "rwsem %s destroyed while held", sem->dep_map.name);
	pthread_cond_destroy(&sem->readers_cv);
	pthread_cond_destroy(&sem->writers_cv);
	pthread_mutex_destroy(&sem->m);
}

/* A reader may enter when no writer holds or waits for the semaphore. */
static bool rwsem_read_ok(const struct rw_semaphore *sem)
{
	return !sem->writer && !sem->waiting_writers;
}

/* One attempt to take sem, shared or exclusive, without lockdep. */
static bool rwsem_try(struct rw_semaphore *sem, bool write)
{
	bool ok;

	pthread_mutex_lock(&sem->m);
	ok = write ? !sem->writer && !sem->readers : rwsem_read_ok(sem);
	if (ok && write)
		sem->writer = 1;
	else if (ok)
		sem->readers++;
	pthread_mutex_unlock(&sem->m);
	return ok;
}

void __down_read(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 1, 0, site, line);
	if (tb_sched_controlled()) {
		while (!rwsem_try(sem, false))
			tb_sched(TB_SCHED_BLOCKED, sem);
		return;
	}
	pthread_mutex_lock(&sem->m);
	while (!rwsem_read_ok(sem))
		pthread_cond_wait(&sem->readers_cv, &sem->m);
	sem->readers++;
	pthread_mutex_unlock(&sem->m);
}

int __down_read_trylock(struct rw_semaphore *sem, const char *site,
			unsigned int line)
{
	int ok;

	tb_sched(TB_SCHED_LOCK, sem);
	pthread_mutex_lock(&sem->m);
	ok = rwsem_read_ok(sem);
	if (ok)
		sem->readers++;
	pthread_mutex_unlock(&sem->m);
	if (ok)
		lock_acquire(&sem->dep_map, 1, 1, site, line);
	return ok;
}

void __up_read(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	lock_release(&sem->dep_map, site, line);
	pthread_mutex_lock(&sem->m);
	if (WARN(sem->readers <= 0, "up_read of %s with %d readers",
		 sem->dep_map.name, sem->readers)) {
		pthread_mutex_unlock(&sem->m);
		return;
	}
	if (--sem->readers == 0 && sem->waiting_writers)
		pthread_cond_signal(&sem->writers_cv);
	pthread_mutex_unlock(&sem->m);
	tb_sched(TB_SCHED_UNLOCK, sem);
}

void __down_write(struct rw_semaphore *sem, const char *site,
		  unsigned int line)
{
	tb_sched(TB_SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 0, 0, site, line);
	if (tb_sched_controlled()) {
		while (!rwsem_try(sem, true))
			tb_sched(TB_SCHED_BLOCKED, sem);
		return;
	}
	pthread_mutex_lock(&sem->m);
	sem->waiting_writers++;
	while (sem->writer || sem->readers)
		pthread_cond_wait(&sem->writers_cv, &sem->m);
	sem->waiting_writers--;
	sem->writer = 1;
	pthread_mutex_unlock(&sem->m);
}

int __down_write_trylock(struct rw_semaphore *sem, const char *site,
			 unsigned int line)
{
	int ok;

	tb_sched(TB_SCHED_LOCK, sem);
	pthread_mutex_lock(&sem->m);
	ok = !sem->writer && !sem->readers;
	if (ok)
		sem->writer = 1;
	pthread_mutex_unlock(&sem->m);
	if (ok)
		lock_acquire(&sem->dep_map, 0, 1, site, line);
	return ok;
}

/* Called with sem->m held: let the next owner(s) in. */
static void rwsem_wake(struct rw_semaphore *sem)
{
	if (sem->waiting_writers)
		pthread_cond_signal(&sem->writers_cv);
	else
		pthread_cond_broadcast(&sem->readers_cv);
}

void __up_write(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	lock_release(&sem->dep_map, site, line);
	pthread_mutex_lock(&sem->m);
	if (WARN(!sem->writer, "up_write of %s not write-locked",
		 sem->dep_map.name)) {
		pthread_mutex_unlock(&sem->m);
		return;
	}
	sem->writer = 0;
	rwsem_wake(sem);
	pthread_mutex_unlock(&sem->m);
	tb_sched(TB_SCHED_UNLOCK, sem);
}

void __downgrade_write(struct rw_semaphore *sem, const char *site,
		       unsigned int line)
{
	__lockdep_assert_held(&sem->dep_map, 0, site, line);
	lock_downgrade(&sem->dep_map);
	pthread_mutex_lock(&sem->m);
	if (!WARN(!sem->writer, "downgrade_write of %s not write-locked",
		  sem->dep_map.name)) {
		sem->writer = 0;
		sem->readers++;
		/*
		 * Other readers may join only if no writer waits; with one
		 * waiting, they keep waiting behind it (writer preference).
		 */
		if (!sem->waiting_writers)
			pthread_cond_broadcast(&sem->readers_cv);
	}
	pthread_mutex_unlock(&sem->m);
	tb_sched(TB_SCHED_UNLOCK, sem);
}

int rwsem_is_locked(struct rw_semaphore *sem)
{
	int locked;

	pthread_mutex_lock(&sem->m);
	locked = sem->writer || sem->readers;
	pthread_mutex_unlock(&sem->m);
	return locked;
}
