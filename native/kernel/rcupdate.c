// SPDX-License-Identifier: GPL-2.0-only
/*
 * rcupdate.c - the RCU shim on liburcu (urcu-memb), see rcupdate.h.
 * Compiled into every library, but only the configs that free VMAs after
 * a grace period (CONFIG_PER_VMA_LOCK, CONFIG_SPF_RCU) have a body and
 * link liburcu.
 */
#include "kernel/rcupdate.h"

#if defined(CONFIG_PER_VMA_LOCK) || defined(CONFIG_SPF_RCU)
#include <pthread.h>
/* the static API: liburcu's per-thread reader state is visible to us */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>
/*
 * but the read side through the library's functions: inlined, its futex
 * handshake with synchronize_rcu would be instrumented on one side only,
 * and TSan would call that a race.
 */
#undef urcu_memb_read_lock
#undef urcu_memb_read_unlock
extern void urcu_memb_read_lock(void);
extern void urcu_memb_read_unlock(void);
#include "kernel/bug.h"
#include "kernel/sched.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
/* The one sync object standing for "a grace period elapsed". */
static char tb_rcu_gp;
#define tb_rcu_tsan_release()	__tsan_release(&tb_rcu_gp)
#define tb_rcu_tsan_acquire()	__tsan_acquire(&tb_rcu_gp)
#else
#define tb_rcu_tsan_release()	do { } while (0)
#define tb_rcu_tsan_acquire()	do { } while (0)
#endif

static __thread int rcu_nesting;
static pthread_key_t rcu_exit_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;

/*
 * Registration is liburcu's per-thread state, shared by every config
 * library of the process (they all load the one liburcu-memb.so): ask it,
 * not a flag of our own, or a thread that faulted on mmu-spf-rcu and then
 * on mmu-pvl would register twice.
 */
static bool rcu_registered(void)
{
	return URCU_TLS(urcu_memb_reader).registered;
}

/* A registered thread that exits must leave liburcu's registry. */
static void rcu_thread_exit(void *arg)
{
	(void)arg;
	if (rcu_registered())
		urcu_memb_unregister_thread();
}

static void rcu_make_key(void)
{
	if (pthread_key_create(&rcu_exit_key, rcu_thread_exit))
		abort();	/* host out of keys: not a model state */
}

static void rcu_register_current(void)
{
	pthread_once(&rcu_key_once, rcu_make_key);
	urcu_memb_register_thread();
	/* any non-NULL value makes the destructor run at thread exit */
	pthread_setspecific(rcu_exit_key, &rcu_exit_key);
}

void rcu_read_lock(void)
{
	if (!rcu_registered())
		rcu_register_current();
	rcu_nesting++;
	urcu_memb_read_lock();
}

void rcu_read_unlock(void)
{
	WARN(rcu_nesting <= 0, "rcu_read_unlock without rcu_read_lock");
	tb_rcu_tsan_release();
	urcu_memb_read_unlock();
	rcu_nesting--;
}

void synchronize_rcu(void)
{
	/* waiting for our own section would never end */
	WARN(rcu_nesting > 0, "synchronize_rcu inside a read-side section");
	tb_sched(TB_SCHED_RCU_SYNC, NULL);
	urcu_memb_synchronize_rcu();
	tb_rcu_tsan_acquire();
}

bool rcu_read_lock_held(void)
{
	return rcu_nesting > 0;
}
#endif
