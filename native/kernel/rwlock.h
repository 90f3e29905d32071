/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rwlock.h - rwlock_t on a pthread rwlock (writer-preferring on glibc).
 *
 * Mirrors the kernel API (the SPF patch's mm_rb_lock is one).  Through
 * lockdep-lite and the scheduling hook like every lock.
 */
#ifndef _TB_KERNEL_RWLOCK_H
#define _TB_KERNEL_RWLOCK_H

#include <pthread.h>
#include "kernel/types.h"
#include "kernel/lockdep.h"

typedef struct rwlock {
	pthread_rwlock_t l;
	/*
	 * Writers waiting under a controlled scheduler, which only tries the
	 * pthread lock: 4.16's queued rwlock_t stops new readers behind a
	 * waiting writer (_QW_WAITING), which a failed trywrlock does not.
	 */
	int writers_waiting;
	struct lockdep_map dep_map;
} rwlock_t;

void __rwlock_init(rwlock_t *lock, const char *name);
void rwlock_destroy(rwlock_t *lock);
void __read_lock(rwlock_t *lock, const char *site, unsigned int line);
void __read_unlock(rwlock_t *lock, const char *site, unsigned int line);
void __write_lock(rwlock_t *lock, const char *site, unsigned int line);
void __write_unlock(rwlock_t *lock, const char *site, unsigned int line);

#define rwlock_init(l)		__rwlock_init(l, #l)
#define read_lock(l)		__read_lock(l, __func__, __LINE__)
#define read_unlock(l)		__read_unlock(l, __func__, __LINE__)
#define write_lock(l)		__write_lock(l, __func__, __LINE__)
#define write_unlock(l)		__write_unlock(l, __func__, __LINE__)

#endif /* _TB_KERNEL_RWLOCK_H */
