/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rwsem.h - struct rw_semaphore.
 *
 * Mirrors the kernel API.  Built on a mutex and two condition variables
 * rather than pthread_rwlock_t because downgrade_write must be atomic (no
 * writer may slip in between), which pthread rwlocks cannot do.  Writer-
 * preferring, like the kernel's: a waiting writer blocks new readers.
 * Through lockdep-lite and the scheduling hook like every lock.
 */
#ifndef _TB_KERNEL_RWSEM_H
#define _TB_KERNEL_RWSEM_H

#include <pthread.h>
#include "kernel/types.h"
#include "kernel/lockdep.h"

struct rw_semaphore {
	pthread_mutex_t m;
	pthread_cond_t readers_cv;
	pthread_cond_t writers_cv;
	int readers;			/* active readers */
	int writer;			/* 1: held for write */
	int waiting_writers;
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
