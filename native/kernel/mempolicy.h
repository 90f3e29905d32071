/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mempolicy.h - struct mempolicy, reduced to its mode and refcount.
 *
 * Mirrors the 4.16 semantics: mpol_new(MPOL_DEFAULT) is NULL (no policy);
 * mpol_new/mpol_dup failures are ERR_PTR(-ENOMEM) (a bad mode -EINVAL);
 * mpol_dup(NULL) is NULL and otherwise ALWAYS allocates a new policy with
 * refcnt 1 (as __mpol_dup); mpol_get/mpol_put accept NULL; mpol_equal is
 * true for the same pointer (NULL == NULL) and for two policies of the
 * same mode, false for NULL against a policy.  Customised for testing:
 * the policy comes from a kmem_cache (CACHE_MEMPOLICY) and every change
 * is traced: MPOL_ALLOC (1), MPOL_GET/MPOL_PUT (refcnt after), MPOL_FREE
 * (0, after the PUT that reached zero).
 */
#ifndef _TB_KERNEL_MEMPOLICY_H
#define _TB_KERNEL_MEMPOLICY_H

#include "kernel/types.h"
#include "kernel/atomic.h"

/* The uapi values (testbed.h's TB_MPOL_* too: api/kernel.c asserts it). */
enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_MAX,	/* always last member of enum */
};

struct mempolicy {
	atomic_t refcnt;
	unsigned short mode;
	u64 tb_id;		/* test-only: per-mm object id */
};

struct mempolicy *mpol_new(unsigned short mode);
struct mempolicy *__mpol_dup(struct mempolicy *old);
void __mpol_put(struct mempolicy *pol);
void mpol_get(struct mempolicy *pol);
bool __mpol_equal(struct mempolicy *a, struct mempolicy *b);

static inline struct mempolicy *mpol_dup(struct mempolicy *pol)
{
	if (pol)
		pol = __mpol_dup(pol);
	return pol;
}

static inline void mpol_put(struct mempolicy *pol)
{
	if (pol)
		__mpol_put(pol);
}

static inline bool mpol_equal(struct mempolicy *a, struct mempolicy *b)
{
	if (a == b)
		return true;
	return __mpol_equal(a, b);
}

#endif /* _TB_KERNEL_MEMPOLICY_H */
