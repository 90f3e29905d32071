// SPDX-License-Identifier: GPL-2.0-only
/*
 * mempolicy.c - struct mempolicy lifetime (mm/mempolicy.c, reduced).
 */
#include <pthread.h>
#include "kernel/mempolicy.h"
#include "kernel/slab.h"
#include "kernel/bug.h"
#include "kernel/trace.h"

static struct kmem_cache *policy_cache;
static pthread_once_t policy_once = PTHREAD_ONCE_INIT;

static void policy_cache_init(void)
{
	policy_cache = kmem_cache_create("numa_policy",
					 sizeof(struct mempolicy),
					 CACHE_MEMPOLICY);
}

static struct mempolicy *mpol_alloc(unsigned short mode)
{
	struct mempolicy *pol;

	pthread_once(&policy_once, policy_cache_init);
	pol = kmem_cache_zalloc(policy_cache, GFP_KERNEL);
	if (!pol)
		return ERR_PTR(-ENOMEM);
	atomic_set(&pol->refcnt, 1);
	pol->mode = mode;
	pol->tb_id = kmem_obj_id(pol);
	tb_trace_event(EV_MPOL_ALLOC, pol->tb_id, 1);
	return pol;
}

struct mempolicy *mpol_new(unsigned short mode)
{
	if (mode >= MPOL_MAX)
		return ERR_PTR(-EINVAL);
	if (mode == MPOL_DEFAULT)
		return NULL;
	return mpol_alloc(mode);
}

struct mempolicy *__mpol_dup(struct mempolicy *old)
{
	if (WARN(kmem_obj_freed(old), "mpol_dup of freed policy id %llu",
		 (unsigned long long)kmem_obj_id(old)))
		return ERR_PTR(-EINVAL);
	return mpol_alloc(old->mode);
}

void mpol_get(struct mempolicy *pol)
{
	int old;

	if (!pol)
		return;
	if (WARN(kmem_obj_freed(pol), "mpol_get on freed policy id %llu",
		 (unsigned long long)kmem_obj_id(pol)))
		return;
	old = atomic_fetch_add_unless(&pol->refcnt, 1, 0);
	if (WARN(old <= 0, "mpol_get on policy id %llu with refcnt %d",
		 (unsigned long long)pol->tb_id, old))
		return;
	tb_trace_event(EV_MPOL_GET, pol->tb_id, old + 1);
}

void __mpol_put(struct mempolicy *pol)
{
	int old;
	u64 id;

	if (WARN(kmem_obj_freed(pol), "mpol_put on freed policy id %llu",
		 (unsigned long long)kmem_obj_id(pol)))
		return;
	/* once our reference is dropped another put may free pol */
	id = pol->tb_id;
	old = atomic_fetch_add_unless(&pol->refcnt, -1, 0);
	if (WARN(old <= 0, "mpol_put on policy id %llu with refcnt %d",
		 (unsigned long long)id, old))
		return;
	tb_trace_event(EV_MPOL_PUT, id, old - 1);
	if (old == 1) {
		tb_trace_event(EV_MPOL_FREE, id, 0);
		kmem_cache_free(policy_cache, pol);
	}
}

bool __mpol_equal(struct mempolicy *a, struct mempolicy *b)
{
	if (!a || !b)
		return false;
	return a->mode == b->mode;
}
