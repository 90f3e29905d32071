// SPDX-License-Identifier: GPL-2.0-only
/*
 * slab.c - kmem_cache with a hidden header, poisoning and a quarantine.
 *
 * Layout of one allocation:
 *   [struct kmem_obj_header][object, cache->size bytes]
 * The header is 16-byte aligned so the object is too.
 */
#include <stdint.h>
#include <stdio.h>
#include "kernel/slab.h"
#include "kernel/bug.h"

#define KMEM_MAGIC	0x7462736c61626f62ULL	/* "tbslabob" */

enum kmem_obj_state {
	KMEM_OBJ_LIVE = 1,
	KMEM_OBJ_FREED = 2,	/* poisoned, in quarantine */
	KMEM_OBJ_CORRUPT = 3,	/* freed, poison found overwritten */
};

struct kmem_obj_header {
	u64 magic;
	struct kmem_cache *cache;
	struct tb_kmem_account *account;
	u64 id;
	u32 state;		/* enum kmem_obj_state, __atomic */
	u32 pad;
	/* a typesafe cache's free list (under the cache's qlock) */
	struct kmem_obj_header *next_free;
} __attribute__((aligned(16)));

struct kmem_cache {
	const char *name;
	size_t size;
	enum kmem_cache_id kind;
	struct kmem_cache *next;	/* all_caches list */
	pthread_mutex_t qlock;
	/* FIFO ring of freed objects (headers) awaiting release */
	struct kmem_obj_header *quarantine[KMEM_QUARANTINE];
	unsigned int qhead;		/* oldest */
	unsigned int qlen;
	bool typesafe;			/* SLAB_TYPESAFE_BY_RCU */
	struct kmem_obj_header *free_list;	/* typesafe: LIFO, qlock */
};

static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmem_cache *all_caches;

static inline struct kmem_obj_header *obj_header(const void *obj)
{
	return (struct kmem_obj_header *)obj - 1;
}

static inline void *header_obj(struct kmem_obj_header *h)
{
	return h + 1;
}

static u32 obj_state(const struct kmem_obj_header *h)
{
	return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     enum kmem_cache_id kind)
{
	struct kmem_cache *cache;

	if (!name || !size || (unsigned int)kind >= CACHE_NR)
		return NULL;
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		return NULL;
	cache->name = name;
	cache->size = size;
	cache->kind = kind;
	pthread_mutex_init(&cache->qlock, NULL);
	pthread_mutex_lock(&caches_lock);
	cache->next = all_caches;
	all_caches = cache;
	pthread_mutex_unlock(&caches_lock);
	return cache;
}

size_t kmem_cache_size(const struct kmem_cache *cache)
{
	return cache->size;
}

/* Is the freed object's poison intact? */
static bool poison_intact(struct kmem_obj_header *h)
{
	const unsigned char *p = header_obj(h);
	size_t i;

	for (i = 0; i < h->cache->size; i++)
		if (p[i] != POISON_FREE)
			return false;
	return h->magic == KMEM_MAGIC;
}

/*
 * Called with cache->qlock held.  Returns true when the object is
 * corrupted; records a violation the first time it is seen so.
 */
static bool check_quarantined(struct kmem_obj_header *h)
{
	const unsigned char *p = header_obj(h);
	size_t off = 0;

	if (poison_intact(h))
		return false;
	if (obj_state(h) != KMEM_OBJ_CORRUPT) {
		while (off < h->cache->size && p[off] == POISON_FREE)
			off++;
		__atomic_store_n(&h->state, KMEM_OBJ_CORRUPT, __ATOMIC_RELEASE);
		tb_record_violation(__func__, __LINE__,
				    "kmem: write after free in %s object id %llu at offset %zu (0x%02x)",
				    h->cache->name, (unsigned long long)h->id,
				    off, off < h->cache->size ? p[off] : 0);
	}
	return true;
}

static void quarantine_evict(struct kmem_cache *cache)
{
	struct kmem_obj_header *h = cache->quarantine[cache->qhead];

	cache->quarantine[cache->qhead] = NULL;
	cache->qhead = (cache->qhead + 1) % KMEM_QUARANTINE;
	cache->qlen--;
	check_quarantined(h);
	h->magic = 0;
	free(h);
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	struct kmem_cache **pp;

	if (!cache)
		return;
	pthread_mutex_lock(&caches_lock);
	for (pp = &all_caches; *pp; pp = &(*pp)->next) {
		if (*pp == cache) {
			*pp = cache->next;
			break;
		}
	}
	pthread_mutex_unlock(&caches_lock);
	pthread_mutex_lock(&cache->qlock);
	while (cache->qlen)
		quarantine_evict(cache);
	while (cache->free_list) {
		struct kmem_obj_header *h = cache->free_list;

		cache->free_list = h->next_free;
		h->magic = 0;
		free(h);
	}
	pthread_mutex_unlock(&cache->qlock);
	pthread_mutex_destroy(&cache->qlock);
	free(cache);
}

void kmem_cache_set_typesafe_by_rcu(struct kmem_cache *cache)
{
	cache->typesafe = true;
}

/*
 * A typesafe cache's last freed object, or NULL.  The LIFO order hands
 * the object just freed to the very next allocation: the reuse a stale
 * reader can meet is the likeliest one, not a rare one.
 */
static struct kmem_obj_header *typesafe_pop(struct kmem_cache *cache)
{
	struct kmem_obj_header *h;

	pthread_mutex_lock(&cache->qlock);
	h = cache->free_list;
	if (h)
		cache->free_list = h->next_free;
	pthread_mutex_unlock(&cache->qlock);
	return h;
}

/* Consumes one step of the injector; true: this allocation must fail. */
static bool should_fail(struct tb_kmem_account *acct, enum kmem_cache_id kind)
{
	u32 target = __atomic_load_n(&acct->inject_cache, __ATOMIC_RELAXED);
	u64 n = __atomic_load_n(&acct->inject_countdown, __ATOMIC_RELAXED);

	if (!n || (target != CACHE_ANY && target != (u32)kind))
		return false;
	do {
		if (!n)
			return false;
	} while (!__atomic_compare_exchange_n(&acct->inject_countdown, &n,
					      n - 1, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return n == 1;
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags)
{
	struct tb_kmem_account *acct = current->kmem;
	struct kmem_obj_header *h;
	void *obj;

	if (!cache)
		return NULL;
	if (acct && should_fail(acct, cache->kind)) {
		__atomic_fetch_add(&acct->injected_failures, 1,
				   __ATOMIC_RELAXED);
		return NULL;
	}
	h = cache->typesafe ? typesafe_pop(cache) : NULL;
	if (h) {
		/*
		 * Reused: not cleared (the caller clears what it may, a
		 * stale reader may be reading the rest), not re-filled.
		 */
		flags &= ~__GFP_ZERO;
		goto charge;
	}
	h = aligned_alloc(16, sizeof(*h) + ((cache->size + 15) & ~(size_t)15));
	if (!h)
		return NULL;
	/*
	 * A typesafe object is born zeroed, as a slab constructor would
	 * leave it: in the state a free object reads in (for a VMA,
	 * vm_refcnt 0, detached), which is all a stale reader may see.
	 */
	if (cache->typesafe)
		flags |= __GFP_ZERO;
#ifndef TB_PERF
	if (!(flags & __GFP_ZERO))	/* uninitialised, visibly */
		memset(header_obj(h), 0xa5, cache->size);
#endif
charge:
	obj = header_obj(h);
	h->magic = KMEM_MAGIC;
	h->cache = cache;
	h->account = acct;
	h->id = 0;
	h->pad = 0;
	if (acct) {
		h->id = __atomic_fetch_add(&acct->next_id, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&acct->allocations, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&acct->live[cache->kind], 1,
				   __ATOMIC_RELAXED);
	}
	h->next_free = NULL;
	if (flags & __GFP_ZERO)
		memset(obj, 0, cache->size);
	__atomic_store_n(&h->state, KMEM_OBJ_LIVE, __ATOMIC_RELEASE);
	return obj;
}

void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t flags)
{
	return kmem_cache_alloc(cache, flags | __GFP_ZERO);
}

/* The header of obj, or NULL (a violation recorded) when it is not cache's. */
static struct kmem_obj_header *checked_header(struct kmem_cache *cache,
					      void *obj)
{
	struct kmem_obj_header *h = obj_header(obj);

	if (WARN(h->magic != KMEM_MAGIC, "kmem: free of %p not from a cache",
		 obj))
		return NULL;
	if (WARN(h->cache != cache, "kmem: free of %s object id %llu to %s",
		 h->cache->name, (unsigned long long)h->id,
		 cache ? cache->name : "NULL"))
		return NULL;
	return h;
}

/* Drops the owner's live count once; the account may die with its mm. */
static void uncharge(struct kmem_cache *cache, struct kmem_obj_header *h)
{
	if (h->account)
		__atomic_fetch_sub(&h->account->live[cache->kind], 1,
				   __ATOMIC_RELAXED);
	h->account = NULL;
}

void kmem_cache_uncharge(struct kmem_cache *cache, void *obj)
{
	struct kmem_obj_header *h;

	if (!obj)
		return;
	h = checked_header(cache, obj);
	if (!h)
		return;
	if (WARN(obj_state(h) != KMEM_OBJ_LIVE,
		 "kmem: uncharge of freed %s object id %llu", cache->name,
		 (unsigned long long)h->id))
		return;
	uncharge(cache, h);
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	struct kmem_obj_header *h;
	u32 expected = KMEM_OBJ_LIVE;

	if (!obj)
		return;
	h = checked_header(cache, obj);
	if (!h)
		return;
	if (!__atomic_compare_exchange_n(&h->state, &expected,
					 KMEM_OBJ_FREED, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		WARN(1, "kmem: double free of %s object id %llu",
		     cache->name, (unsigned long long)h->id);
		return;
	}
	uncharge(cache, h);
	if (cache->typesafe) {
		pthread_mutex_lock(&cache->qlock);
		h->next_free = cache->free_list;
		cache->free_list = h;
		pthread_mutex_unlock(&cache->qlock);
		return;
	}
#ifdef TB_PERF
	h->magic = 0;
	free(h);
	return;
#endif
	memset(obj, POISON_FREE, cache->size);

	pthread_mutex_lock(&cache->qlock);
	if (cache->qlen == KMEM_QUARANTINE)
		quarantine_evict(cache);
	cache->quarantine[(cache->qhead + cache->qlen) % KMEM_QUARANTINE] = h;
	cache->qlen++;
	pthread_mutex_unlock(&cache->qlock);
}

#ifndef TB_PERF
bool kmem_obj_freed(const void *obj)
{
	return obj && obj_state(obj_header(obj)) != KMEM_OBJ_LIVE;
}
#endif

u64 kmem_obj_id(const void *obj)
{
	return obj ? obj_header(obj)->id : 0;
}

int kmem_cache_check_all(void)
{
	struct kmem_cache *cache;
	unsigned int i;
	int bad = 0;

	pthread_mutex_lock(&caches_lock);
	for (cache = all_caches; cache; cache = cache->next) {
		pthread_mutex_lock(&cache->qlock);
		for (i = 0; i < cache->qlen; i++) {
			unsigned int slot = (cache->qhead + i) % KMEM_QUARANTINE;

			if (check_quarantined(cache->quarantine[slot]))
				bad++;
		}
		pthread_mutex_unlock(&cache->qlock);
	}
	pthread_mutex_unlock(&caches_lock);
	return bad;
}

void tb_kmem_account_init(struct tb_kmem_account *acct)
{
	memset(acct, 0, sizeof(*acct));
	acct->next_id = 1;
}

void tb_kmem_inject(struct tb_kmem_account *acct, u32 cache, u64 nth)
{
	/* Disarm first so a racing allocation never sees a half-set pair. */
	__atomic_store_n(&acct->inject_countdown, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&acct->inject_cache, cache, __ATOMIC_RELEASE);
	__atomic_store_n(&acct->inject_countdown, nth, __ATOMIC_RELEASE);
}

s64 tb_kmem_live(struct tb_kmem_account *acct, u32 cache)
{
	if (cache >= CACHE_NR)
		return 0;
	return __atomic_load_n(&acct->live[cache], __ATOMIC_RELAXED);
}

u64 tb_kmem_allocations(struct tb_kmem_account *acct)
{
	return __atomic_load_n(&acct->allocations, __ATOMIC_RELAXED);
}

u64 tb_kmem_injected_failures(struct tb_kmem_account *acct)
{
	return __atomic_load_n(&acct->injected_failures, __ATOMIC_RELAXED);
}
