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
#include <stdlib.h>
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

/*
 * struct rw_semaphore.  The fast paths and the condvar slow paths (no
 * controlled hook) first, then the queued slow paths (a controlled hook:
 * 4.16's rwsem-xadd.c), then the entry points.
 */

void __init_rwsem(struct rw_semaphore *sem, const char *name)
{
	pthread_mutex_init(&sem->m, NULL);
	pthread_cond_init(&sem->readers_cv, NULL);
	pthread_cond_init(&sem->writers_cv, NULL);
	sem->count = 0;
	sem->waiting_writers = 0;
	sem->read_waiters = 0;
	sem->wait_head = NULL;
	sem->wait_tail = NULL;
	sem->owner = RWSEM_OWNER_NONE;
	sem->spinners = 0;
	lockdep_init_map(&sem->dep_map, name);
}

static int rwsem_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void rwsem_store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static bool rwsem_queued(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->wait_head, __ATOMIC_SEQ_CST) != NULL;
}

void rwsem_destroy(struct rw_semaphore *sem)
{
	WARN(rwsem_load(&sem->count) != 0 || rwsem_queued(sem),
	     "rwsem %s destroyed while held", sem->dep_map.name);
	pthread_cond_destroy(&sem->readers_cv);
	pthread_cond_destroy(&sem->writers_cv);
	pthread_mutex_destroy(&sem->m);
}

/* 4.16's rwsem_set_reader_owned: only written when it changes. */
static void rwsem_set_reader_owned(struct rw_semaphore *sem)
{
	if (rwsem_load(&sem->owner) != RWSEM_OWNER_READERS)
		rwsem_store(&sem->owner, RWSEM_OWNER_READERS);
}

/*
 * One attempt at a read hold, 4.16's fast path and down_read_trylock: no
 * writer holds it and nobody is queued (the kernel's count is negative
 * then), nor, on the condvar path, waits; count + 1.  A failed cmpxchg
 * against another reader retries; anything else gives up.
 */
static bool rwsem_try_read(struct rw_semaphore *sem)
{
	int c = rwsem_load(&sem->count);

	while (c >= 0 && !rwsem_load(&sem->waiting_writers) &&
	       !rwsem_queued(sem)) {
		if (__atomic_compare_exchange_n(&sem->count, &c, c + 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			rwsem_set_reader_owned(sem);
			return true;
		}
	}
	return false;
}

/* count 0 -> writer: nobody holds it (whoever waits). */
static bool rwsem_try_write(struct rw_semaphore *sem)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(&sem->count, &c, RWSEM_WRITER,
					 false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return false;
	rwsem_store(&sem->owner, RWSEM_OWNER_WRITER);
	return true;
}

/*
 * down_write's fast path and down_write_trylock: 4.16's cmpxchg from an
 * unlocked count, which a queued waiter makes negative.
 */
static bool rwsem_try_write_fast(struct rw_semaphore *sem)
{
	return !rwsem_queued(sem) && rwsem_try_write(sem);
}

/* The condvar path: wakes a waiting writer first, else the readers. */
static void rwsem_wake_cv(struct rw_semaphore *sem)
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

static void rwsem_down_read_cv(struct rw_semaphore *sem)
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

static void rwsem_down_write_cv(struct rw_semaphore *sem)
{
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

/*
 * The queued path (a controlled hook).  A sleeper waits at its own point
 * (SCHED_SEM_WAIT_READ/WRITE, obj = its waiter) until a waker's
 * SCHED_WAKE on that waiter; a spinner at SCHED_SEM_WAIT_WRITE_ON_WRITER
 * on the semaphore until its SCHED_UNLOCK.  m is never held across a
 * scheduling point.
 */

static void rwsem_enqueue(struct rw_semaphore *sem, struct rwsem_waiter *w)
{
	w->next = NULL;
	w->prev = sem->wait_tail;
	if (sem->wait_tail)
		sem->wait_tail->next = w;
	else
		__atomic_store_n(&sem->wait_head, w, __ATOMIC_SEQ_CST);
	sem->wait_tail = w;
}

static void rwsem_dequeue(struct rw_semaphore *sem, struct rwsem_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		__atomic_store_n(&sem->wait_head, w->next, __ATOMIC_SEQ_CST);
	if (w->next)
		w->next->prev = w->prev;
	else
		sem->wait_tail = w->prev;
}

/*
 * The waiters a waker picked (4.16's wake_q), by identity only: once m
 * is dropped a granted reader may return and its waiter go, so only the
 * address travels to the hook.
 */
struct rwsem_wake_q {
	const void **ids;
	int n, cap;
	const void *local[16];
};

static void wake_q_init(struct rwsem_wake_q *q)
{
	q->ids = q->local;
	q->n = 0;
	q->cap = ARRAY_SIZE(q->local);
}

static void wake_q_add(struct rwsem_wake_q *q, const void *id)
{
	if (q->n == q->cap) {
		const void **ids = malloc(2 * q->cap * sizeof(*ids));

		BUG_ON(!ids);
		memcpy(ids, q->ids, q->n * sizeof(*ids));
		if (q->ids != q->local)
			free(q->ids);
		q->ids = ids;
		q->cap *= 2;
	}
	q->ids[q->n++] = id;
}

/*
 * 4.16's wake_up_q: one wake-up after another, each a point of its own
 * (the k-th wakee runs no earlier than the k-th call).  A waiter's own
 * grant (self) needs no wake-up: it is running.
 */
static void wake_up_q(struct rwsem_wake_q *q, const void *self)
{
	int i;

	for (i = 0; i < q->n; i++)
		if (q->ids[i] != self)
			tb_sched(SCHED_WAKE, q->ids[i]);
	if (q->ids != q->local)
		free(q->ids);
	wake_q_init(q);
}

/* 4.16's wake types: who __rwsem_mark_wake may wake. */
enum rwsem_wake_type {
	RWSEM_WAKE_ANY,		/* a head writer or the head readers */
	RWSEM_WAKE_READERS,	/* the head readers only */
	RWSEM_WAKE_READ_OWNED,	/* the head readers; we hold it for read */
};

/*
 * 4.16's __rwsem_mark_wake (m held, the list not empty): a writer at the
 * head is only woken (RWSEM_WAKE_ANY), not granted: it competes when it
 * runs.  Readers at the head, up to the first queued writer, get the lock
 * here, before they run: count + their number, unless a writer stole it
 * meanwhile (a spinner), and leave the list.
 */
static void rwsem_mark_wake(struct rw_semaphore *sem,
			    enum rwsem_wake_type type, struct rwsem_wake_q *q)
{
	struct rwsem_waiter *w = sem->wait_head;
	int n = 0, c;

	if (w->writer) {
		if (type == RWSEM_WAKE_ANY) {
			__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
			wake_q_add(q, w);
		}
		return;
	}
	for (; w && !w->writer; w = w->next)
		n++;
	c = rwsem_load(&sem->count);
	do {
		if (c < 0)
			return;	/* a writer stole it: the readers wait on */
	} while (!__atomic_compare_exchange_n(&sem->count, &c, c + n, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	rwsem_set_reader_owned(sem);
	while (n--) {
		w = sem->wait_head;
		rwsem_dequeue(sem, w);
		wake_q_add(q, w);
		__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
	}
}

/*
 * 4.16's rwsem_wake, after a release that left waiters: with a spinner
 * present it wakes only if the wait lock is free at once (the spinner
 * will take the lock; its release wakes).
 */
static void rwsem_wake_queued(struct rw_semaphore *sem)
{
	struct rwsem_wake_q q;

	if (!rwsem_queued(sem))
		return;
	if (rwsem_load(&sem->spinners)) {
		if (pthread_mutex_trylock(&sem->m))
			return;
	} else {
		pthread_mutex_lock(&sem->m);
	}
	wake_q_init(&q);
	if (sem->wait_head)
		rwsem_mark_wake(sem, RWSEM_WAKE_ANY, &q);
	pthread_mutex_unlock(&sem->m);
	wake_up_q(&q, NULL);
}

/*
 * 4.16's rwsem_down_read_failed: queue at the tail; if nobody holds the
 * lock, or only readers do and we are the first in the list, wake (grant)
 * from the head ourselves; then sleep until granted.
 */
static void rwsem_down_read_queued(struct rw_semaphore *sem)
{
	struct rwsem_waiter w = { .writer = false };
	struct rwsem_wake_q q;
	bool first;
	int c;

	wake_q_init(&q);
	pthread_mutex_lock(&sem->m);
	first = !sem->wait_head;
	rwsem_enqueue(sem, &w);
	c = rwsem_load(&sem->count);
	if (c == 0 || (c > 0 && first))
		rwsem_mark_wake(sem, RWSEM_WAKE_ANY, &q);
	pthread_mutex_unlock(&sem->m);
	wake_up_q(&q, &w);
	while (!__atomic_load_n(&w.woken, __ATOMIC_SEQ_CST))
		tb_sched(SCHED_SEM_WAIT_READ, &w);
}

/*
 * 4.16's rwsem_optimistic_spin: no spinning on a reader owner; while a
 * writer owns it (or nobody does) try to steal it whenever it is free,
 * queued sleepers or not, and wait for its release in between.  The
 * kernel's osq lets one spinner at a time try; here the scheduler orders
 * the spinners' retries (the simulation: in the order they began).
 */
static bool rwsem_optimistic_spin(struct rw_semaphore *sem)
{
	bool taken = false;

	if (rwsem_load(&sem->owner) == RWSEM_OWNER_READERS)
		return false;
	__atomic_add_fetch(&sem->spinners, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		if (rwsem_try_write(sem)) {
			taken = true;
			break;
		}
		if (rwsem_load(&sem->owner) == RWSEM_OWNER_READERS)
			break;
		tb_sched(SCHED_SEM_WAIT_WRITE_ON_WRITER, sem);
	}
	__atomic_sub_fetch(&sem->spinners, 1, __ATOMIC_SEQ_CST);
	return taken;
}

/*
 * 4.16's rwsem_down_write_failed after the spin: queue at the tail (with
 * sleepers ahead and only readers holding it, let the head readers join
 * them first); then, under m, take it whenever nobody holds it, else
 * sleep until woken and no holder is left, and try again: a woken writer
 * may find a spinner or a newcomer ahead of it and sleep again.
 */
static void rwsem_down_write_queued(struct rw_semaphore *sem)
{
	struct rwsem_waiter w = { .writer = true };
	struct rwsem_wake_q q;

	wake_q_init(&q);
	pthread_mutex_lock(&sem->m);
	if (sem->wait_head && rwsem_load(&sem->count) > 0) {
		rwsem_enqueue(sem, &w);
		rwsem_mark_wake(sem, RWSEM_WAKE_READERS, &q);
		pthread_mutex_unlock(&sem->m);
		wake_up_q(&q, NULL);
		pthread_mutex_lock(&sem->m);
	} else {
		rwsem_enqueue(sem, &w);
	}
	while (!rwsem_try_write(sem)) {
		pthread_mutex_unlock(&sem->m);
		do {
			while (!__atomic_load_n(&w.woken, __ATOMIC_SEQ_CST))
				tb_sched(SCHED_SEM_WAIT_WRITE, &w);
			__atomic_store_n(&w.woken, false, __ATOMIC_SEQ_CST);
		} while (rwsem_load(&sem->count) != 0);
		pthread_mutex_lock(&sem->m);
	}
	rwsem_dequeue(sem, &w);
	pthread_mutex_unlock(&sem->m);
}

/*
 * After a release: under a controlled hook the semaphore's UNLOCK point
 * comes first, so that a spinner may steal the lock before the waker
 * takes the wait lock (4.16: the spinner polls the count the release
 * wrote), then the wake-ups; otherwise the condvar wake.
 */
static void rwsem_released(struct rw_semaphore *sem, bool wake)
{
	if (tb_sched_controlled()) {
		tb_sched(SCHED_UNLOCK, sem);
		if (wake)
			rwsem_wake_queued(sem);
		return;
	}
	if (wake)
		rwsem_wake_cv(sem);
	tb_sched(SCHED_UNLOCK, sem);
}

void __down_read(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	tb_sched(SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 1, 0, site, line);
	if (rwsem_try_read(sem))
		return;
	if (tb_sched_controlled())
		rwsem_down_read_queued(sem);
	else
		rwsem_down_read_cv(sem);
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
	rwsem_released(sem, c == 1);
}

void __down_write(struct rw_semaphore *sem, const char *site,
		  unsigned int line)
{
	tb_sched(SCHED_LOCK, sem);
	lock_acquire(&sem->dep_map, 0, 0, site, line);
	if (rwsem_try_write_fast(sem))
		return;
	if (!tb_sched_controlled())
		rwsem_down_write_cv(sem);
	else if (!rwsem_optimistic_spin(sem))
		rwsem_down_write_queued(sem);
}

int __down_write_trylock(struct rw_semaphore *sem, const char *site,
			 unsigned int line)
{
	int ok;

	tb_sched(SCHED_LOCK, sem);
	ok = rwsem_try_write_fast(sem);
	if (ok)
		lock_acquire(&sem->dep_map, 0, 1, site, line);
	return ok;
}

void __up_write(struct rw_semaphore *sem, const char *site, unsigned int line)
{
	int c = RWSEM_WRITER;

	lock_release(&sem->dep_map, site, line);
	/* 4.16 clears the owner first: a spinner then polls the count */
	rwsem_store(&sem->owner, RWSEM_OWNER_NONE);
	if (WARN(!__atomic_compare_exchange_n(&sem->count, &c, 0, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST),
		 "up_write of %s not write-locked (count %d)",
		 sem->dep_map.name, c))
		return;
	rwsem_released(sem, true);
}

/*
 * 4.16's rwsem_downgrade_wake: the queued path grants the readers at the
 * head (up to the first queued writer) next to us; the condvar path lets
 * the sleeping readers join only if no writer waits.
 */
static void rwsem_downgrade_wake(struct rw_semaphore *sem)
{
	struct rwsem_wake_q q;

	if (tb_sched_controlled()) {
		if (!rwsem_queued(sem))
			return;
		wake_q_init(&q);
		pthread_mutex_lock(&sem->m);
		if (sem->wait_head)
			rwsem_mark_wake(sem, RWSEM_WAKE_READ_OWNED, &q);
		pthread_mutex_unlock(&sem->m);
		wake_up_q(&q, NULL);
		return;
	}
	if (!rwsem_load(&sem->waiting_writers) &&
	    rwsem_load(&sem->read_waiters)) {
		pthread_mutex_lock(&sem->m);
		pthread_cond_broadcast(&sem->readers_cv);
		pthread_mutex_unlock(&sem->m);
	}
}

void __downgrade_write(struct rw_semaphore *sem, const char *site,
		       unsigned int line)
{
	int c = RWSEM_WRITER;

	__lockdep_assert_held(&sem->dep_map, 0, site, line);
	lock_downgrade(&sem->dep_map);
	if (WARN(!__atomic_compare_exchange_n(&sem->count, &c, 1, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST),
		 "downgrade_write of %s not write-locked (count %d)",
		 sem->dep_map.name, c)) {
		tb_sched(SCHED_UNLOCK, sem);
		return;
	}
	rwsem_store(&sem->owner, RWSEM_OWNER_READERS);
	if (tb_sched_controlled()) {
		/* the spinners see the reader owner and stop, then the wake */
		tb_sched(SCHED_UNLOCK, sem);
		rwsem_downgrade_wake(sem);
		return;
	}
	rwsem_downgrade_wake(sem);
	tb_sched(SCHED_UNLOCK, sem);
}

int rwsem_is_locked(struct rw_semaphore *sem)
{
	return rwsem_load(&sem->count) != 0;
}
