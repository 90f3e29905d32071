/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rbtree_augmented.h - augmented red-black trees, the 4.16 interface.
 *
 * Each node carries a value computed from itself and its subtree (for the
 * VMA tree: rb_subtree_gap, the largest free gap below).  The tree code
 * keeps it right through three callbacks:
 *   propagate(node, stop): recompute from node up towards the root,
 *     stopping at stop or as soon as a value does not change;
 *   copy(old, new): new takes old's value (new replaces old in place);
 *   rotate(old, new): after a rotation that put new where old was:
 *     new takes old's value (same subtree), old is recomputed.
 * RB_DECLARE_CALLBACKS(static, name, ...) generates name_propagate,
 * name_copy, name_rotate and the const struct rb_augment_callbacks name.
 *
 * Insert: the caller links the node and fixes the augmented values along
 * its path (e.g. by propagate), then rb_insert_augmented rebalances.
 * Erase: rb_erase_augmented unlinks, propagates, rebalances.
 */
#ifndef _TB_KERNEL_RBTREE_AUGMENTED_H
#define _TB_KERNEL_RBTREE_AUGMENTED_H

#include "kernel/types.h"
#include "kernel/rbtree.h"

struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*copy)(struct rb_node *old, struct rb_node *new);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *old,
						  struct rb_node *new));
/*
 * Unlinks node and fixes the augmented values; returns the parent of the
 * place where a black node went missing (needing rebalance), or NULL.
 */
struct rb_node *__rb_erase_augmented(struct rb_node *node, struct rb_root *root,
				     const struct rb_augment_callbacks *augment);
void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      void (*augment_rotate)(struct rb_node *old,
					     struct rb_node *new));

static inline void rb_insert_augmented(struct rb_node *node,
				       struct rb_root *root,
				       const struct rb_augment_callbacks *augment)
{
	__rb_insert_augmented(node, root, augment->rotate);
}

static inline void rb_erase_augmented(struct rb_node *node,
				      struct rb_root *root,
				      const struct rb_augment_callbacks *augment)
{
	struct rb_node *rebalance = __rb_erase_augmented(node, root, augment);

	if (rebalance)
		__rb_erase_color(rebalance, root, augment->rotate);
}

#define RB_DECLARE_CALLBACKS(rbstatic, rbname, rbstruct, rbfield,	\
			     rbtype, rbaugmented, rbcompute)		\
static inline void							\
rbname ## _propagate(struct rb_node *rb, struct rb_node *stop)		\
{									\
	while (rb != stop) {						\
		rbstruct *node = rb_entry(rb, rbstruct, rbfield);	\
		rbtype augmented = rbcompute(node);			\
		if (node->rbaugmented == augmented)			\
			break;						\
		node->rbaugmented = augmented;				\
		rb = rb_parent(&node->rbfield);				\
	}								\
}									\
static inline void							\
rbname ## _copy(struct rb_node *rb_old, struct rb_node *rb_new)	\
{									\
	rbstruct *old = rb_entry(rb_old, rbstruct, rbfield);		\
	rbstruct *new = rb_entry(rb_new, rbstruct, rbfield);		\
	new->rbaugmented = old->rbaugmented;				\
}									\
static void								\
rbname ## _rotate(struct rb_node *rb_old, struct rb_node *rb_new)	\
{									\
	rbstruct *old = rb_entry(rb_old, rbstruct, rbfield);		\
	rbstruct *new = rb_entry(rb_new, rbstruct, rbfield);		\
	new->rbaugmented = old->rbaugmented;				\
	old->rbaugmented = rbcompute(old);				\
}									\
rbstatic const struct rb_augment_callbacks rbname = {			\
	.propagate = rbname ## _propagate,				\
	.copy = rbname ## _copy,					\
	.rotate = rbname ## _rotate					\
};

/*
 * Colour and parent helpers.  Stores use WRITE_ONCE because the SPF fault
 * path reads __rb_parent_color (RB_EMPTY_NODE) without the tree lock.
 */
#define __rb_color(pc)		((pc) & 1)
#define __rb_is_black(pc)	__rb_color(pc)
#define __rb_is_red(pc)		(!__rb_color(pc))
#define rb_color(rb)		__rb_color((rb)->__rb_parent_color)
#define rb_is_red(rb)		__rb_is_red((rb)->__rb_parent_color)
#define rb_is_black(rb)		__rb_is_black((rb)->__rb_parent_color)

static inline void rb_set_parent(struct rb_node *rb, struct rb_node *p)
{
	WRITE_ONCE(rb->__rb_parent_color, rb_color(rb) | (unsigned long)p);
}

static inline void rb_set_parent_color(struct rb_node *rb,
				       struct rb_node *p, int color)
{
	WRITE_ONCE(rb->__rb_parent_color, (unsigned long)p | (unsigned long)color);
}

#endif /* _TB_KERNEL_RBTREE_AUGMENTED_H */
