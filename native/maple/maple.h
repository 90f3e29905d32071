/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * maple.h - the kernel's maple tree (lib/maple_tree.c of Debian's
 * linux-source-6.12, compiled at build time by maple/maple.c; nothing of it
 * is in this repository), behind a narrow interface the testbed's side can
 * include: the tree is compiled against the kernel's tools/include, whose
 * types clash with kernel/types.h.
 *
 * A tree is in RCU mode (MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU, as 6.4's
 * mm->mm_mt): writers serialise on the tree's own lock and free replaced
 * nodes through call_rcu (kernel/rcupdate.c); a reader inside
 * rcu_read_lock() may walk it while a writer stores.  Entries are
 * pointers whose two low bits are not binary 10 (the tree's internal
 * entries); tb_mt_store refuses the others.
 */
#ifndef _TB_MAPLE_H
#define _TB_MAPLE_H

/* sizeof(struct rcu_head) on both sides of the interface (checked there) */
#define TB_MT_RCU_HEAD_SIZE	(3 * sizeof(void *))

struct tb_mt;

/* An empty RCU-mode tree; NULL when out of memory. */
struct tb_mt *tb_mt_alloc(void);
/*
 * Destroys the tree: its nodes go to call_rcu, so they outlive any reader
 * still walking it; the caller frees nothing else.
 */
void tb_mt_free(struct tb_mt *mt);
/*
 * Stores @entry over [first, last] (NULL erases the range): 0, -EINVAL
 * (first > last, or an entry the tree cannot hold), -ENOMEM.
 */
int tb_mt_store(struct tb_mt *mt, unsigned long first, unsigned long last,
		void *entry);
/*
 * mas_walk: the entry whose range holds @addr, or NULL.  The caller holds
 * rcu_read_lock() (or is the only writer); the entry is then valid until
 * its rcu_read_unlock() only if the entry's owner frees it after a grace
 * period.
 */
void *tb_mt_walk(struct tb_mt *mt, unsigned long addr);
/*
 * mt_find: the first entry at or above @addr and at or below @max, or
 * NULL; *first and *last (when not NULL) get the range it was stored on.
 */
void *tb_mt_find(struct tb_mt *mt, unsigned long addr, unsigned long max,
		 unsigned long *first, unsigned long *last);
/* Maple nodes allocated and not yet freed, over every tree. */
long tb_mt_live_nodes(void);

#endif
