// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockdep.c - lockdep-lite: per-thread held locks and a rank order.
 *
 * The real lockdep learns the order between lock classes at run time; we
 * only need to enforce the one order the SPF patch documents
 * (mmap_sem -> mm_rb_lock -> page_table_lock), so each class has a fixed
 * rank and a thread may only take locks of increasing rank.
 */
#include <stdio.h>
#include "kernel/lockdep.h"
#include "kernel/bug.h"
#include "kernel/current.h"
#include "kernel/trace.h"

static const struct {
	const char *name;
	int rank;
} rank_table[] = {
	{ "nommu_region_sem", LOCK_RANK_NOMMU_REGION_SEM },
	{ "mmap_sem", LOCK_RANK_MMAP_SEM },
	{ "mm_rb_lock", LOCK_RANK_MM_RB_LOCK },
	{ "vm_lock", LOCK_RANK_VMA_LOCK },
	{ "page_table_lock", LOCK_RANK_PAGE_TABLE_LOCK },
	{ "ptlock", LOCK_RANK_PAGE_TABLE_LOCK },	/* split PTE locks */
};

int lockdep_rank_of(const char *name)
{
	size_t i;

	if (!name)
		return LOCK_RANK_LEAF;
	for (i = 0; i < ARRAY_SIZE(rank_table); i++)
		if (strstr(name, rank_table[i].name))
			return rank_table[i].rank;
	return LOCK_RANK_LEAF;
}

void lockdep_init_map(struct lockdep_map *map, const char *name)
{
	map->name = name;
	map->rank = lockdep_rank_of(name);
}

#ifndef TB_PERF
/* Static initializers leave the rank unset; resolve it on first use. */
static int map_rank(struct lockdep_map *map)
{
	int rank = __atomic_load_n(&map->rank, __ATOMIC_RELAXED);

	if (rank == LOCK_RANK_UNSET) {
		rank = lockdep_rank_of(map->name);
		__atomic_store_n(&map->rank, rank, __ATOMIC_RELAXED);
	}
	return rank;
}

static int held_rank(const struct held_lock *hl)
{
	return __atomic_load_n(&hl->map->rank, __ATOMIC_RELAXED);
}

static const char *map_name(const struct lockdep_map *map)
{
	return map->name ? map->name : "?";
}

/*
 * The order trace sees the ranked locks, the model's own (the rank is
 * the lock class, TB_LOCK_*); leaf locks are the API's bookkeeping.
 */
static void trace_lock(u32 type, int rank, int read)
{
	if (rank > LOCK_RANK_NONE && rank < LOCK_RANK_LEAF)
		tb_trace_event(type, (u64)rank, read);
}

void lock_acquire(struct lockdep_map *map, int read, int trylock,
		  const char *site, unsigned int line)
{
	struct task_struct *t = current;
	int rank = map_rank(map);
	int i;

	for (i = 0; i < t->lockdep_depth; i++) {
		const struct held_lock *hl = &t->held_locks[i];

		if (hl->map == map) {
			tb_record_violation(site, line,
					    "lockdep: recursive %s of %s (held %s)",
					    read ? "read" : "write",
					    map_name(map),
					    hl->read ? "read" : "write");
			break;
		}
		if (trylock || rank == LOCK_RANK_NONE ||
		    held_rank(hl) == LOCK_RANK_NONE)
			continue;
		if (rank <= held_rank(hl)) {
			tb_record_violation(site, line,
					    "lockdep: %s (rank %d) taken while holding %s (rank %d)",
					    map_name(map), rank,
					    map_name(hl->map), held_rank(hl));
			break;
		}
	}
	if (t->lockdep_depth >= TB_MAX_HELD_LOCKS) {
		tb_record_violation(site, line,
				    "lockdep: more than %d locks held taking %s",
				    TB_MAX_HELD_LOCKS, map_name(map));
		return;
	}
	t->held_locks[t->lockdep_depth].map = map;
	t->held_locks[t->lockdep_depth].read = read;
	t->lockdep_depth++;
	trace_lock(TB_EV_LOCK_ACQUIRE, rank, read);
}

#endif /* !TB_PERF */

static int find_held(const struct lockdep_map *map)
{
	struct task_struct *t = current;
	int i;

	/* Most recent first: with recursion, release the newest entry. */
	for (i = t->lockdep_depth - 1; i >= 0; i--)
		if (t->held_locks[i].map == map)
			return i;
	return -1;
}

#ifndef TB_PERF
void lock_release(const struct lockdep_map *map, const char *site,
		  unsigned int line)
{
	struct task_struct *t = current;
	int i = find_held(map);

	if (i < 0) {
		tb_record_violation(site, line,
				    "lockdep: releasing %s, not held by this thread",
				    map_name(map));
		return;
	}
	trace_lock(TB_EV_LOCK_RELEASE, held_rank(&t->held_locks[i]),
		   t->held_locks[i].read);
	/* Locks may be released out of order; close the gap. */
	memmove(&t->held_locks[i], &t->held_locks[i + 1],
		(size_t)(t->lockdep_depth - i - 1) * sizeof(t->held_locks[0]));
	t->lockdep_depth--;
}

void lock_downgrade(const struct lockdep_map *map)
{
	int i = find_held(map);

	if (i >= 0)
		current->held_locks[i].read = 1;
}

#endif /* !TB_PERF */

int lockdep_held_mode(const struct lockdep_map *map)
{
	int i = find_held(map);

	return i < 0 ? -1 : current->held_locks[i].read;
}

int lockdep_depth(void)
{
	return current->lockdep_depth;
}

#ifndef TB_PERF
void __lockdep_assert_held(const struct lockdep_map *map, int mode,
			   const char *site, unsigned int line)
{
	int held = lockdep_held_mode(map);

	if (held < 0)
		tb_record_violation(site, line, "lockdep: %s not held",
				    map_name(map));
	else if (mode != LOCKDEP_ANY && held != mode)
		tb_record_violation(site, line,
				    "lockdep: %s held for %s, expected %s",
				    map_name(map), held ? "read" : "write",
				    mode ? "read" : "write");
}
#endif /* !TB_PERF */
