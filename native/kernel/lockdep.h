/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lockdep.h - lockdep-lite.
 *
 * Customised for testing.  Each lock embeds a struct lockdep_map named
 * dep_map holding its class name (the stringified init expression, e.g.
 * "&mm->mmap_sem") and a rank.  Every thread keeps a stack of the locks
 * it holds.  Rules, each breach recorded as a violation:
 *  - a blocking acquire of a ranked lock whose rank is <= the rank of a
 *    ranked lock already held (the order is mmap_sem < nommu_region_sem <
 *    mm_rb_lock < vm_lock < page_table_lock < any other named lock); this catches
 *    taking mmap_sem under mm_rb_lock or page_table_lock, and taking the
 *    same lock twice (self-deadlock; read recursion included, since the
 *    locks are writer-preferring);
 *  - releasing a lock this thread does not hold;
 *  - lockdep_assert_held*() on a lock not held (in that mode).
 * Exempt: trylocks (they cannot deadlock, so no order check) and locks
 * of rank LOCK_RANK_NONE (opted out with lockdep_set_rank).
 * The rank is chosen at init from the class name; lockdep_set_rank
 * overrides it.
 */
#ifndef _TB_KERNEL_LOCKDEP_H
#define _TB_KERNEL_LOCKDEP_H

#include "kernel/types.h"

enum lock_rank {
	LOCK_RANK_UNSET = -1,		/* static initializer: set from the name on first use */
	LOCK_RANK_NONE = 0,		/* not order-checked */
	LOCK_RANK_MMAP_SEM = 10,
	LOCK_RANK_NOMMU_REGION_SEM = 15,
	LOCK_RANK_MM_RB_LOCK = 20,
	LOCK_RANK_VMA_LOCK = 25,	/* per-VMA lock (mmu-pvl) */
	LOCK_RANK_PAGE_TABLE_LOCK = 30,
	LOCK_RANK_LEAF = 40,		/* every other lock */
};

struct lockdep_map {
	const char *name;
	int rank;
};

/* Rank for a class name, by the kernel lock it names. */
int lockdep_rank_of(const char *name);
void lockdep_init_map(struct lockdep_map *map, const char *name);

#ifdef TB_PERF
/*
 * The perf flavour, like a kernel without CONFIG_LOCKDEP: nothing is
 * tracked, asserts are empty.  The maps keep their names and ranks (the
 * class of a lock), which cost nothing at run time.
 */
static inline void lock_acquire(struct lockdep_map *map, int read,
				int trylock, const char *site,
				unsigned int line)
{
	(void)map; (void)read; (void)trylock; (void)site; (void)line;
}

static inline void lock_release(const struct lockdep_map *map,
				const char *site, unsigned int line)
{
	(void)map; (void)site; (void)line;
}

static inline void lock_downgrade(const struct lockdep_map *map)
{
	(void)map;
}

static inline void __lockdep_assert_held(const struct lockdep_map *map,
					 int mode, const char *site,
					 unsigned int line)
{
	(void)map; (void)mode; (void)site; (void)line;
}
#else
void lock_acquire(struct lockdep_map *map, int read, int trylock,
		  const char *site, unsigned int line);
void lock_release(const struct lockdep_map *map, const char *site,
		  unsigned int line);
/* downgrade_write: the held entry becomes a read one. */
void lock_downgrade(const struct lockdep_map *map);

void __lockdep_assert_held(const struct lockdep_map *map, int mode,
			   const char *site, unsigned int line);
#endif

/* -1: not held by this thread; 0: held exclusive; 1: held shared. */
int lockdep_held_mode(const struct lockdep_map *map);
/* Number of locks this thread holds. */
int lockdep_depth(void);

#define LOCKDEP_ANY	(-1)
#define SINGLE_DEPTH_NESTING	1
#define lockdep_set_rank(l, r)	((l)->dep_map.rank = (r))
#define lockdep_is_held(l)	(lockdep_held_mode(&(l)->dep_map) >= 0)
#define lockdep_assert_held(l)						\
	__lockdep_assert_held(&(l)->dep_map, LOCKDEP_ANY, __func__, __LINE__)
#define lockdep_assert_held_write(l)					\
	__lockdep_assert_held(&(l)->dep_map, 0, __func__, __LINE__)
#define lockdep_assert_held_read(l)					\
	__lockdep_assert_held(&(l)->dep_map, 1, __func__, __LINE__)
#define lockdep_assert_held_exclusive(l)	lockdep_assert_held_write(l)

#endif /* _TB_KERNEL_LOCKDEP_H */
