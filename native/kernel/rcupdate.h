/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rcupdate.h - RCU read-side sections and grace periods, on liburcu.
 *
 * Mirrors the kernel API (rcu_read_lock, rcu_read_unlock, synchronize_rcu,
 * call_rcu) on liburcu's urcu-memb flavour, for the configs
 * whose VMAs are freed after a grace period (mmu-spf-rcu, mmu-pvl;
 * configs.mk links them with -lurcu-memb).  Customised for testing:
 *  - a thread registers with liburcu on its first read-side section and
 *    unregisters when it exits (the callers are whatever threads the
 *    harness runs, not threads we create);
 *  - rcu_read_lock_held() answers from a per-thread nesting count, for
 *    assertions;
 *  - under TSan, every rcu_read_unlock releases and every synchronize_rcu
 *    acquires one sync object: liburcu itself is not instrumented, so this
 *    is how TSan learns that a grace period orders the readers before it
 *    and the free after it; call_rcu releases the head and the callback
 *    (on liburcu's call_rcu thread) acquires it and that sync object, so
 *    the callback is ordered after both its caller and the readers.
 * Other configs do not build this (the functions below do not exist).
 */
#ifndef _TB_KERNEL_RCUPDATE_H
#define _TB_KERNEL_RCUPDATE_H

#include "kernel/types.h"

void rcu_read_lock(void);
void rcu_read_unlock(void);
/* Waits until every read-side section that began before it has ended. */
void synchronize_rcu(void);
/* This thread is inside a read-side section. */
bool rcu_read_lock_held(void);

/*
 * The kernel's struct rcu_head.  liburcu's own (a queue link and its
 * function) is the first part; rcupdate.c checks the size and keeps the
 * caller's function apart, calling it from a trampoline that tells TSan
 * what liburcu does not.
 */
struct rcu_head {
	void *tb_urcu[2];
	void (*func)(struct rcu_head *head);
};

/*
 * Calls func(head) on liburcu's call_rcu thread once every read-side
 * section that began before has ended.  Never waits.  Under a controlled
 * scheduler the callback is queued here instead and runs at the first
 * point its grace period may have ended (rcu_run_ready_callbacks).
 */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));

/*
 * Runs, in queue order, the controlled callbacks whose grace period has
 * ended; what a thread waiting for callbacks (exit_mmap's barrier) calls
 * between looks.  No-op when none is queued.
 */
void rcu_run_ready_callbacks(void);

#endif /* _TB_KERNEL_RCUPDATE_H */
