/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * linux/rcupdate.h for lib/maple_tree.c, first on its include path: the
 * kernel's userspace harness (tools/testing/shared/linux/rcupdate.h) maps
 * RCU onto <urcu.h> directly; this one maps it onto the testbed's RCU shim
 * (kernel/rcupdate.c), so the maple tree's readers are the testbed's
 * readers (the controlled grace period, TSan's ordering) and its nodes go
 * to the testbed's call_rcu.
 *
 * Only the declarations: the maple tree is compiled against the kernel's
 * tools/include, whose types clash with kernel/types.h, so kernel/rcupdate.h
 * cannot be included here.  struct rcu_head must stay layout-identical to
 * kernel/rcupdate.h's (maple/maple.c checks the size).
 */
#ifndef _TB_MAPLE_RCUPDATE_H
#define _TB_MAPLE_RCUPDATE_H

struct rcu_head {
	void *tb_urcu[2];
	void (*func)(struct rcu_head *head);
};

void rcu_read_lock(void);
void rcu_read_unlock(void);
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));

/*
 * The tree's RCU-published pointers: acquire/release atomics, not the
 * kernel's plain accesses with barriers, so the sanitizers see the
 * publication as the ordering it is.
 */
#define rcu_dereference(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_raw(p)		rcu_dereference(p)
#define rcu_dereference_protected(p, c)	rcu_dereference(p)
#define rcu_dereference_check(p, c)	rcu_dereference(p)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		do { (p) = (v); } while (0)

/* what <urcu.h> brought the harness's linux/maple_tree.h */
#define uatomic_inc(p)		__atomic_add_fetch((p), 1, __ATOMIC_RELAXED)
#define uatomic_read(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define uatomic_set(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

#endif
