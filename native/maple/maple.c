// SPDX-License-Identifier: GPL-2.0-only
/*
 * maple.c - compiles the kernel's lib/maple_tree.c (Debian's
 * linux-source-6.12, unpacked at build time into build/native/maple/src by
 * native/Makefile; nothing of it is in this repository) the way the
 * kernel's own userspace harness does (tools/testing/radix-tree,
 * maple-shim.c), with three differences:
 *  - the production tree: no CONFIG_DEBUG_MAPLE_TREE (the harness's
 *    validation and node counters are test builds of the kernel's);
 *  - RCU is the testbed's (maple/include/linux/rcupdate.h, first on the
 *    include path), not <urcu.h> directly;
 *  - the node cache is the small allocator below, under names of its own
 *    (the testbed's kernel/slab.c owns kmem_cache_*), counting live nodes.
 * The interface is maple.h.  Built without TSan instrumentation (as
 * liburcu is): the tree's readers make deliberate plain reads of slots a
 * writer publishes with rcu_assign_pointer.  So TSan cannot see that a
 * store publishes its entry (release) and a walk that finds it acquires
 * it; with TB_MAPLE_TSAN (the tsan flavour) the interface says so.
 */
#define kmem_cache_create	tb_mt_kmem_cache_create
#define kmem_cache_alloc_lru	tb_mt_kmem_cache_alloc_lru
#define kmem_cache_alloc	tb_mt_kmem_cache_alloc
#define kmem_cache_free		tb_mt_kmem_cache_free
#define kmem_cache_free_bulk	tb_mt_kmem_cache_free_bulk
#define kmem_cache_alloc_bulk	tb_mt_kmem_cache_alloc_bulk

/* the harness's prelude (maple-shared.h) less its debug switches */
#define MAPLE_32BIT (MAPLE_NODE_SLOTS > 31)
#include "shared.h"
#include <stdlib.h>
#include <time.h>
#include "linux/init.h"
#include "maple_tree.c"

#include <errno.h>
#include <pthread.h>
#include "maple.h"

#ifdef TB_MAPLE_TSAN
#include <sanitizer/tsan_interface.h>
#define tb_mt_publish(entry)	do { if (entry) __tsan_release(entry); } while (0)
#define tb_mt_subscribe(entry)	do { if (entry) __tsan_acquire(entry); } while (0)
#else
#define tb_mt_publish(entry)	do { (void)(entry); } while (0)
#define tb_mt_subscribe(entry)	do { (void)(entry); } while (0)
#endif

_Static_assert(sizeof(struct rcu_head) == TB_MT_RCU_HEAD_SIZE,
	       "maple/include/linux/rcupdate.h's rcu_head must match kernel/rcupdate.h's");

/* ---- the node cache ---- */

struct kmem_cache {
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
};

static long live_nodes;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	(void)name;
	(void)flags;
	if (!c)
		abort();	/* at maple_tree_init: the host is out of memory */
	c->size = size;
	c->align = align;
	c->ctor = ctor;
	return c;
}

void *kmem_cache_alloc_lru(struct kmem_cache *c, struct list_lru *lru,
			   int gfp)
{
	void *p;

	(void)lru;
	(void)gfp;
	if (posix_memalign(&p, c->align ? c->align : sizeof(void *), c->size))
		return NULL;
	/* zeroed whatever gfp says: a node's unused slots must read NULL */
	memset(p, 0, c->size);
	if (c->ctor)
		c->ctor(p);
	__atomic_add_fetch(&live_nodes, 1, __ATOMIC_RELAXED);
	return p;
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	(void)c;
	if (!p)
		return;
	free(p);
	__atomic_sub_fetch(&live_nodes, 1, __ATOMIC_RELAXED);
}

void kmem_cache_free_bulk(struct kmem_cache *c, size_t n, void **list)
{
	size_t i;

	for (i = 0; i < n; i++)
		kmem_cache_free(c, list[i]);
}

int kmem_cache_alloc_bulk(struct kmem_cache *c, gfp_t gfp, size_t n,
			  void **list)
{
	size_t i;

	for (i = 0; i < n; i++) {
		list[i] = kmem_cache_alloc_lru(c, NULL, gfp);
		if (!list[i]) {
			kmem_cache_free_bulk(c, i, list);
			return 0;
		}
	}
	return n;
}

/* ---- maple.h ---- */

struct tb_mt {
	struct maple_tree tree;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void tb_mt_init(void)
{
	maple_tree_init();
}

struct tb_mt *tb_mt_alloc(void)
{
	struct tb_mt *mt;

	pthread_once(&init_once, tb_mt_init);
	mt = malloc(sizeof(*mt));
	if (mt)
		mt_init_flags(&mt->tree, MT_FLAGS_ALLOC_RANGE | MT_FLAGS_USE_RCU);
	return mt;
}

void tb_mt_free(struct tb_mt *mt)
{
	if (!mt)
		return;
	mtree_destroy(&mt->tree);
	free(mt);
}

int tb_mt_store(struct tb_mt *mt, unsigned long first, unsigned long last,
		void *entry)
{
	if (first > last || xa_is_internal(entry))
		return -EINVAL;
	tb_mt_publish(entry);
	return mtree_store_range(&mt->tree, first, last, entry, GFP_KERNEL);
}

void *tb_mt_walk(struct tb_mt *mt, unsigned long addr)
{
	MA_STATE(mas, &mt->tree, addr, addr);
	void *entry = mas_walk(&mas);

	tb_mt_subscribe(entry);
	return entry;
}

void *tb_mt_find(struct tb_mt *mt, unsigned long addr, unsigned long max,
		 unsigned long *first, unsigned long *last)
{
	MA_STATE(mas, &mt->tree, addr, addr);
	void *entry;

	rcu_read_lock();
	entry = mas_find(&mas, max);
	tb_mt_subscribe(entry);
	if (entry && first)
		*first = mas.index;
	if (entry && last)
		*last = mas.last;
	rcu_read_unlock();
	return entry;
}

long tb_mt_live_nodes(void)
{
	return __atomic_load_n(&live_nodes, __ATOMIC_RELAXED);
}
