// SPDX-License-Identifier: GPL-2.0-only
/*
 * rbtree.c - red-black tree with optional augmentation.
 *
 * Our own implementation of the classic algorithm (CLRS-style fix-ups
 * expressed with explicit rotations), behind the 4.16 interface.
 * Invariants: (1) every node is red or black; (2) the root is black;
 * (3) a red node has no red child; (4) every path from a node down to a
 * NULL link passes the same number of black nodes.
 *
 * Augmentation: every rotation reports (old top, new top) to the rotate
 * callback, which fixes the two nodes whose subtrees changed; erase
 * reports the node replacement (copy) and the changed path (propagate).
 */
#include "kernel/rbtree_augmented.h"

static void dummy_rotate(struct rb_node *old, struct rb_node *new)
{
	(void)old;
	(void)new;
}

static void dummy_propagate(struct rb_node *node, struct rb_node *stop)
{
	(void)node;
	(void)stop;
}

static void dummy_copy(struct rb_node *old, struct rb_node *new)
{
	(void)old;
	(void)new;
}

static const struct rb_augment_callbacks dummy_callbacks = {
	.propagate = dummy_propagate,
	.copy = dummy_copy,
	.rotate = dummy_rotate,
};

static inline void rb_set_black(struct rb_node *rb)
{
	WRITE_ONCE(rb->__rb_parent_color, rb->__rb_parent_color | RB_BLACK);
}

static inline void rb_set_red(struct rb_node *rb)
{
	WRITE_ONCE(rb->__rb_parent_color, rb->__rb_parent_color & ~1UL);
}

static inline void rb_set_color(struct rb_node *rb, int color)
{
	WRITE_ONCE(rb->__rb_parent_color,
		   (rb->__rb_parent_color & ~1UL) | (unsigned long)color);
}

/* NULL links count as black leaves. */
static inline bool node_is_red(const struct rb_node *rb)
{
	return rb && rb_is_red(rb);
}

/* Make parent (or the root) point at new where it pointed at old. */
static inline void change_child(struct rb_node *old, struct rb_node *new,
				struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		WRITE_ONCE(root->rb_node, new);
	else if (parent->rb_left == old)
		WRITE_ONCE(parent->rb_left, new);
	else
		WRITE_ONCE(parent->rb_right, new);
}

/*
 *      x                y
 *     / \              / \
 *    a   y     ->     x   c
 *       / \          / \
 *      b   c        a   b
 * Colours are left alone; the caller recolours.
 */
static void rotate_left(struct rb_node *x, struct rb_root *root,
			void (*augment_rotate)(struct rb_node *, struct rb_node *))
{
	struct rb_node *y = x->rb_right;
	struct rb_node *b = y->rb_left;
	struct rb_node *parent = rb_parent(x);

	WRITE_ONCE(x->rb_right, b);
	if (b)
		rb_set_parent(b, x);
	WRITE_ONCE(y->rb_left, x);
	rb_set_parent(y, parent);
	change_child(x, y, parent, root);
	rb_set_parent(x, y);
	augment_rotate(x, y);
}

/* The mirror image of rotate_left. */
static void rotate_right(struct rb_node *x, struct rb_root *root,
			 void (*augment_rotate)(struct rb_node *, struct rb_node *))
{
	struct rb_node *y = x->rb_left;
	struct rb_node *b = y->rb_right;
	struct rb_node *parent = rb_parent(x);

	WRITE_ONCE(x->rb_left, b);
	if (b)
		rb_set_parent(b, x);
	WRITE_ONCE(y->rb_right, x);
	rb_set_parent(y, parent);
	change_child(x, y, parent, root);
	rb_set_parent(x, y);
	augment_rotate(x, y);
}

void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *old,
						  struct rb_node *new))
{
	struct rb_node *parent, *gparent, *uncle;

	/* node is red; only invariant (3) (or (2) at the root) can break. */
	for (;;) {
		parent = rb_parent(node);
		if (!parent) {
			rb_set_black(node);
			return;
		}
		if (rb_is_black(parent))
			return;
		/* A red parent is never the root, so gparent exists. */
		gparent = rb_parent(parent);
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (node_is_red(uncle)) {
				/* Push the blackness down from gparent. */
				rb_set_black(parent);
				rb_set_black(uncle);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				/* Inner grandchild: make it an outer one. */
				rotate_left(parent, root, augment_rotate);
				node = parent;
				parent = rb_parent(node);
			}
			rotate_right(gparent, root, augment_rotate);
			rb_set_black(parent);
			rb_set_red(gparent);
			return;
		}
		uncle = gparent->rb_left;
		if (node_is_red(uncle)) {
			rb_set_black(parent);
			rb_set_black(uncle);
			rb_set_red(gparent);
			node = gparent;
			continue;
		}
		if (node == parent->rb_left) {
			rotate_right(parent, root, augment_rotate);
			node = parent;
			parent = rb_parent(node);
		}
		rotate_left(gparent, root, augment_rotate);
		rb_set_black(parent);
		rb_set_red(gparent);
		return;
	}
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	__rb_insert_augmented(node, root, dummy_rotate);
}

/*
 * A black node was removed below parent: the subtree on one side (whose
 * top is node, possibly NULL) has one black node too few on every path.
 */
void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      void (*augment_rotate)(struct rb_node *old,
					     struct rb_node *new))
{
	struct rb_node *node = NULL, *sibling;

	for (;;) {
		/*
		 * The short side is the one that is not the sibling: when
		 * node is NULL and on the left, the right side cannot be
		 * NULL since it holds at least one black node.
		 */
		sibling = parent->rb_right;
		if (node != sibling) {
			/* node is the left child */
			if (rb_is_red(sibling)) {
				rotate_left(parent, root, augment_rotate);
				rb_set_black(sibling);
				rb_set_red(parent);
				sibling = parent->rb_right;
			}
			if (!node_is_red(sibling->rb_left) &&
			    !node_is_red(sibling->rb_right)) {
				/* Remove a black from the sibling's side too. */
				rb_set_red(sibling);
				if (rb_is_red(parent)) {
					rb_set_black(parent);
					return;
				}
				node = parent;
				parent = rb_parent(node);
				if (!parent)
					return;
				continue;
			}
			if (!node_is_red(sibling->rb_right)) {
				/* Near nephew red: make it the far one. */
				rotate_right(sibling, root, augment_rotate);
				rb_set_red(sibling);
				sibling = parent->rb_right;
				rb_set_black(sibling);
			}
			/* Far nephew red: one rotation repays the debt. */
			rotate_left(parent, root, augment_rotate);
			rb_set_color(sibling, rb_color(parent));
			rb_set_black(parent);
			rb_set_black(sibling->rb_right);
			return;
		}
		/* node is the right child: mirror image */
		sibling = parent->rb_left;
		if (rb_is_red(sibling)) {
			rotate_right(parent, root, augment_rotate);
			rb_set_black(sibling);
			rb_set_red(parent);
			sibling = parent->rb_left;
		}
		if (!node_is_red(sibling->rb_left) &&
		    !node_is_red(sibling->rb_right)) {
			rb_set_red(sibling);
			if (rb_is_red(parent)) {
				rb_set_black(parent);
				return;
			}
			node = parent;
			parent = rb_parent(node);
			if (!parent)
				return;
			continue;
		}
		if (!node_is_red(sibling->rb_left)) {
			rotate_left(sibling, root, augment_rotate);
			rb_set_red(sibling);
			sibling = parent->rb_left;
			rb_set_black(sibling);
		}
		rotate_right(parent, root, augment_rotate);
		rb_set_color(sibling, rb_color(parent));
		rb_set_black(parent);
		rb_set_black(sibling->rb_left);
		return;
	}
}

struct rb_node *__rb_erase_augmented(struct rb_node *node, struct rb_root *root,
				     const struct rb_augment_callbacks *augment)
{
	struct rb_node *child = node->rb_right;
	struct rb_node *left = node->rb_left;
	struct rb_node *parent = rb_parent(node);
	struct rb_node *rebalance = NULL;
	unsigned long pc = node->__rb_parent_color;

	if (!left || !child) {
		/*
		 * At most one child.  A lone child must be red (invariant
		 * 4) and node black: the child takes node's place and
		 * colour, and nothing needs rebalancing.  No child: if node
		 * was black, its parent's side is now short.
		 */
		if (!child)
			child = left;
		change_child(node, child, parent, root);
		if (child)
			WRITE_ONCE(child->__rb_parent_color, pc);
		else if (__rb_is_black(pc))
			rebalance = parent;
		augment->propagate(parent, NULL);
		return rebalance;
	} else {
		/*
		 * Two children: the in-order successor (leftmost of the
		 * right subtree, no left child) takes node's place and
		 * colour; the successor's old spot loses a node instead.
		 */
		struct rb_node *successor = child, *sparent, *schild;
		unsigned long spc;

		while (successor->rb_left)
			successor = successor->rb_left;
		schild = successor->rb_right;
		spc = successor->__rb_parent_color;
		if (successor == child) {
			/* successor is node's right child */
			sparent = successor;
			augment->copy(node, successor);
		} else {
			sparent = rb_parent(successor);
			WRITE_ONCE(sparent->rb_left, schild);
			WRITE_ONCE(successor->rb_right, child);
			rb_set_parent(child, successor);
			augment->copy(node, successor);
			augment->propagate(sparent, successor);
		}
		WRITE_ONCE(successor->rb_left, left);
		rb_set_parent(left, successor);
		change_child(node, successor, parent, root);
		WRITE_ONCE(successor->__rb_parent_color, pc);
		if (schild)
			rb_set_parent_color(schild, sparent, RB_BLACK);
		else if (__rb_is_black(spc))
			rebalance = sparent;
		augment->propagate(successor, NULL);
		return rebalance;
	}
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *rebalance;

	rebalance = __rb_erase_augmented(node, root, &dummy_callbacks);
	if (rebalance)
		__rb_erase_color(rebalance, root, dummy_rotate);
}

void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	change_child(victim, new, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	/* Leftmost node of the right subtree, if any. */
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	/* Else the first ancestor we reach from its left side. */
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}
