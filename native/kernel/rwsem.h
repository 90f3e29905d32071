/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rwsem.h - struct rw_semaphore.
 *
 * Mirrors the kernel API and its cost: like the kernel's, the uncontended
 * paths are one atomic on the count word (down_read/up_read one RMW each,
 * down_write a cmpxchg, up_write an exchange); only a contended acquire
 * takes the wait mutex.  Not pthread_rwlock_t because downgrade_write
 * must be atomic (no writer may slip in between), which pthread rwlocks
 * cannot do.  Through lockdep-lite and the scheduling hook like every
 * lock.
 *
 * Two wait paths (locks.c):
 *  - under a controlled scheduling hook (the simulation, PCT, the
 *    scheduled specs) 4.16's kernel/locking/rwsem-xadd.c rule by rule:
 *    a FIFO wait list of sleepers; a reader queues while the list is not
 *    empty; a waker grants read to the readers at the head up to the
 *    first queued writer and only wakes a head writer, which competes
 *    when it runs; a writer spins on a writer owner and steals the lock
 *    ahead of the list; wakes go out one after another;
 *  - without one (stress, benchmarks) condition variables: a waiting
 *    writer blocks new readers, the releaser signals a writer or
 *    broadcasts to the readers.
 *
 * count: > 0 readers hold it, 0 free, RWSEM_WRITER held for write.
 * waiting_writers and read_waiters (the condvar path) and wait_head,
 * owner and spinners (the queued path) are read without the mutex by
 * the fast and release paths, which take it only to queue or wake.
 * Every access is sequentially consistent: a releaser that sees no
 * sleeper is ordered before the sleeper's check of count, which then
 * sees the release.
 */
#ifndef _TB_KERNEL_RWSEM_H
#define _TB_KERNEL_RWSEM_H

#include <pthread.h>
#include "kernel/types.h"
#include "kernel/lockdep.h"

#define RWSEM_WRITER	(-1)

/* Who holds it, for the spinners (4.16's sem->owner). */
enum rwsem_owner {
	RWSEM_OWNER_NONE = 0,		/* free, or not known */
	RWSEM_OWNER_WRITER = 1,		/* a (running) writer: spin on it */
	RWSEM_OWNER_READERS = 2,	/* readers: sticks after they leave */
};

/* One sleeper in the queued path's wait list (on its stack). */
struct rwsem_waiter {
	struct rwsem_waiter *prev, *next;
	bool writer;
	bool woken;	/* a reader: granted; a writer: woken, not granted */
};

struct rw_semaphore {
	int count;			/* readers, 0, or RWSEM_WRITER */
	int waiting_writers;		/* condvar path: writers waiting */
	int read_waiters;		/* condvar path: readers waiting */
	pthread_mutex_t m;		/* the wait queue (4.16: wait_lock) */
	pthread_cond_t readers_cv;
	pthread_cond_t writers_cv;
	struct rwsem_waiter *wait_head;	/* queued path: FIFO, under m */
	struct rwsem_waiter *wait_tail;
	int owner;			/* enum rwsem_owner */
	int spinners;			/* queued path: writers spinning */
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
