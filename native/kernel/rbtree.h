/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rbtree.h - red-black trees, the 4.16 interface, our own implementation.
 *
 * As in the kernel, the parent pointer and the colour share one word
 * (__rb_parent_color: nodes are at least 4-byte aligned, so bit 0 is free
 * for the colour, 0 = red, 1 = black), and the caller does the search and
 * links the new node with rb_link_node before rb_insert_color rebalances.
 * An empty node (RB_CLEAR_NODE) points at itself: "not in any tree".
 */
#ifndef _TB_KERNEL_RBTREE_H
#define _TB_KERNEL_RBTREE_H

#include "kernel/types.h"

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED		0
#define RB_BLACK	1

#define rb_parent(r)	((struct rb_node *)((r)->__rb_parent_color & ~3UL))

#define RB_ROOT		(struct rb_root) { NULL, }
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({				\
	__typeof__(ptr) ____ptr = (ptr);				\
	____ptr ? rb_entry(____ptr, type, member) : NULL; })

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->rb_node) == NULL)
/*
 * Read with READ_ONCE: the SPF fault path tests "still in the tree?"
 * without the tree lock while a writer may be clearing the node.
 */
#define RB_EMPTY_NODE(node)						\
	(READ_ONCE((node)->__rb_parent_color) == (unsigned long)(node))
#define RB_CLEAR_NODE(node)						\
	WRITE_ONCE((node)->__rb_parent_color, (unsigned long)(node))

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);

/* victim's place (colour, parent, children) goes to new; no rebalancing. */
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root);

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	WRITE_ONCE(node->__rb_parent_color, (unsigned long)parent); /* red */
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}

#endif /* _TB_KERNEL_RBTREE_H */
