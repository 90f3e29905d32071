/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rwsem.h - struct rw_semaphore.
 *
 * Mirrors the kernel API and its cost: like the kernel's, the uncontended
 * paths are one atomic on the count word (down_read/up_read one RMW each,
 * down_write a cmpxchg, up_write an exchange); only a contended acquire
 * takes the wait mutex and sleeps on a condition variable.  Not
 * pthread_rwlock_t because downgrade_write must be atomic (no writer may
 * slip in between), which pthread rwlocks cannot do.  Writer-preferring,
 * like the kernel's: a waiting writer blocks new readers.  Through
 * lockdep-lite and the scheduling hook like every lock.
 *
 * count: > 0 readers hold it, 0 free, RWSEM_WRITER held for write.
 * waiting_writers and read_waiters are read without the mutex by the
 * release paths, which take it only to wake a sleeper.  Every access is
 * sequentially consistent: a releaser that sees no sleeper is ordered
 * before the sleeper's check of count, which then sees the release.
 */
#ifndef _TB_KERNEL_RWSEM_H
#define _TB_KERNEL_RWSEM_H

#include <pthread.h>
#include "kernel/types.h"
#include "kernel/lockdep.h"

#define RWSEM_WRITER	(-1)

struct rw_semaphore {
	int count;			/* readers, 0, or RWSEM_WRITER */
	int waiting_writers;		/* writers in down_write's slow path */
	int read_waiters;		/* readers in down_read's slow path */
	pthread_mutex_t m;		/* the wait queue: sleepers only */
	pthread_cond_t readers_cv;
	pthread_cond_t writers_cv;
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(lockname)					\
	{ .m = PTHREAD_MUTEX_INITIALIZER,				\
	  .readers_cv = PTHREAD_COND_INITIALIZER,			\
	  .writers_cv = PTHREAD_COND_INITIALIZER,			\
	  .dep_map = { .name = #lockname, .rank = LOCK_RANK_UNSET } }
/* Static semaphores get their rank from the name, e.g. nommu_region_sem. */
#define DECLARE_RWSEM(name)						\
	struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void __init_rwsem(struct rw_semaphore *sem, const char *name);
void rwsem_destroy(struct rw_semaphore *sem);
void __down_read(struct rw_semaphore *sem, const char *site, unsigned int line);
int __down_read_trylock(struct rw_semaphore *sem, const char *site,
			unsigned int line);
void __up_read(struct rw_semaphore *sem, const char *site, unsigned int line);
void __down_write(struct rw_semaphore *sem, const char *site,
		  unsigned int line);
int __down_write_trylock(struct rw_semaphore *sem, const char *site,
			 unsigned int line);
void __up_write(struct rw_semaphore *sem, const char *site, unsigned int line);
void __downgrade_write(struct rw_semaphore *sem, const char *site,
		       unsigned int line);
/* Racy by nature, as in the kernel: for assertions only. */
int rwsem_is_locked(struct rw_semaphore *sem);

#define init_rwsem(s)		__init_rwsem(s, #s)
#define down_read(s)		__down_read(s, __func__, __LINE__)
#define down_read_trylock(s)	__down_read_trylock(s, __func__, __LINE__)
#define up_read(s)		__up_read(s, __func__, __LINE__)
#define down_write(s)		__down_write(s, __func__, __LINE__)
#define down_write_trylock(s)	__down_write_trylock(s, __func__, __LINE__)
#define up_write(s)		__up_write(s, __func__, __LINE__)
#define downgrade_write(s)	__downgrade_write(s, __func__, __LINE__)

#endif /* _TB_KERNEL_RWSEM_H */
