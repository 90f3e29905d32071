/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * slab.h - kmem_cache with poisoning, quarantine, accounting, injection.
 *
 * Mirrors the kmem_cache_* API; customised for testing:
 *  - each object sits behind a hidden header {magic, cache, owner account,
 *    state, id}; freeing checks the header (double free, wrong cache,
 *    foreign pointer are violations, and the free is then ignored);
 *  - a freed object is filled with POISON_FREE (0x6b) and parked in its
 *    cache's FIFO quarantine (KMEM_QUARANTINE objects) before the memory is
 *    really released; the poison is re-checked when it leaves quarantine
 *    and by kmem_cache_check_all() (tb_kmem_check), so a write after free
 *    becomes a violation; kmem_obj_freed(obj) tells whether obj is a freed
 *    object, letting callers turn a use-after-free into a violation;
 *  - the allocation is charged to current->kmem (live count of the cache's
 *    kind, allocations, and the next per-mm object id, stored in the
 *    header: read it with kmem_obj_id); the free uncharges the account
 *    recorded in the header;
 *  - current->kmem's injector can make the nth allocation from a kind (or
 *    ANY) fail: the allocation returns NULL, takes no id, and counts in
 *    injected_failures.
 * With no account (current->kmem == NULL) nothing is charged, id is 0 and
 * nothing is injected.
 *
 * The perf flavour (TB_PERF) keeps the header, the accounting and the
 * injector (results and stats must not change) but neither poisons nor
 * quarantines: kmem_cache_free releases the memory at once.
 *
 * kmalloc/kzalloc/kfree are stand-ins: plain malloc, not accounted.
 */
#ifndef _TB_KERNEL_SLAB_H
#define _TB_KERNEL_SLAB_H

#include <stdlib.h>
#include "kernel/types.h"
#include "kernel/current.h"

#define GFP_KERNEL	((gfp_t)0x0cc0)
#define GFP_ATOMIC	((gfp_t)0x0080)
#define __GFP_ZERO	((gfp_t)0x8000)

#define POISON_FREE	0x6b
#define KMEM_QUARANTINE	1024

struct kmem_cache;

/* Caches live until kmem_cache_destroy; creation is thread-safe. */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     enum kmem_cache_id kind);
void kmem_cache_destroy(struct kmem_cache *cache);
/*
 * SLAB_TYPESAFE_BY_RCU (set once, before the first allocation): a freed
 * object is neither poisoned nor released but put on the cache's free
 * list, and the next allocation from the cache, for any account, takes
 * it back at once, uncleared: memory once of this type stays of it, so a
 * reader holding a stale pointer reads an object of the right type that
 * may meanwhile belong to someone else (and must check).  Only
 * kmem_cache_destroy releases the list.
 */
void kmem_cache_set_typesafe_by_rcu(struct kmem_cache *cache);

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t flags);
void kmem_cache_free(struct kmem_cache *cache, void *obj);
/*
 * The accounting half of kmem_cache_free, for an object an RCU callback
 * frees later (call_rcu): the owner's live count drops now, so the counts
 * after an operation are exact whenever the callback runs; the header
 * forgets the account, so the callback's kmem_cache_free charges nothing
 * (and may outlive the mm).  The object stays live until that free.
 */
void kmem_cache_uncharge(struct kmem_cache *cache, void *obj);

#ifdef TB_PERF
/* No quarantine in the perf flavour: a freed object is gone at once. */
static inline bool kmem_obj_freed(const void *obj)
{
	(void)obj;
	return false;
}
#else
/* true: obj was freed (it is poisoned and waiting in quarantine). */
bool kmem_obj_freed(const void *obj);
#endif
/* The per-mm object id taken when obj was allocated (0: no account). */
u64 kmem_obj_id(const void *obj);
/* Size of the objects of cache. */
size_t kmem_cache_size(const struct kmem_cache *cache);

/* Checks the poison of every quarantined object; returns the corrupted count. */
int kmem_cache_check_all(void);

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return (flags & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	(void)flags;
	return calloc(n, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif /* _TB_KERNEL_SLAB_H */
