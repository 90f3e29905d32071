/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spinlock.h - spinlock_t on a pthread mutex.
 *
 * Mirrors the kernel API; the lock sleeps instead of spinning, which only
 * changes timing.  Acquire/release go through lockdep-lite and call
 * tb_sched(SCHED_LOCK) before acquiring and tb_sched(SCHED_UNLOCK)
 * after releasing.
 */
#ifndef _TB_KERNEL_SPINLOCK_H
#define _TB_KERNEL_SPINLOCK_H

#include <pthread.h>
#include "kernel/types.h"
#include "kernel/lockdep.h"

/*
 * irqs_off_waiters (test-only): threads waiting for the lock with
 * interrupts disabled (kernel/irqflags.h).  A holder that waits for every
 * CPU to answer an IPI must find none (spin_check_ipi_wait).
 */
typedef struct spinlock {
	pthread_mutex_t m;
	struct lockdep_map dep_map;
	int irqs_off_waiters;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)					\
	{ .m = PTHREAD_MUTEX_INITIALIZER,				\
	  .dep_map = { .name = #lockname, .rank = LOCK_RANK_UNSET } }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

void __spin_lock_init(spinlock_t *lock, const char *name);
void __spin_lock(spinlock_t *lock, const char *site, unsigned int line);
bool __spin_trylock(spinlock_t *lock, const char *site, unsigned int line);
void __spin_unlock(spinlock_t *lock, const char *site, unsigned int line);
void spin_lock_destroy(spinlock_t *lock);
void __spin_check_ipi_wait(spinlock_t *lock, const char *site,
			   unsigned int line);

#define spin_lock_init(l)	__spin_lock_init(l, #l)
#define spin_lock(l)		__spin_lock(l, __func__, __LINE__)
#define spin_trylock(l)		__spin_trylock(l, __func__, __LINE__)
#define spin_unlock(l)		__spin_unlock(l, __func__, __LINE__)
#define assert_spin_locked(l)	lockdep_assert_held(l)
/*
 * The holder of l is about to wait for every CPU of the mm to answer an
 * IPI: one waiting for l with interrupts off never will (a WARN).
 */
#define spin_check_ipi_wait(l)	__spin_check_ipi_wait(l, __func__, __LINE__)

#endif /* _TB_KERNEL_SPINLOCK_H */
