// SPDX-License-Identifier: GPL-2.0-only
/*
 * rbtree_test.c - the augmented rbtree against a brute-force model.
 *
 * The nodes are disjoint intervals like VMAs, augmented with the largest
 * gap in their subtree exactly as mm/mmap.c does with rb_subtree_gap: a
 * node's gap is its start minus its predecessor's end, so inserting or
 * erasing a node also changes its successor's gap, which the test fixes
 * with the generated _propagate callback as vma_gap_update does.  After
 * every step the tree is checked against the model: order, red-black
 * invariants, parent links, and every node's subtree gap recomputed from
 * scratch.
 */
#include <stdlib.h>
#include "kernel/rbtree_augmented.h"
#include "harness.h"
#include "util.h"

#define NKEYS	1024

struct item {
	struct rb_node rb;
	struct item *prev;	/* like vm_prev: set before the tree changes */
	unsigned long start, end;
	unsigned long subtree_gap;
};

static struct item items[NKEYS];
static bool present[NKEYS];

static unsigned long item_gap(struct item *it)
{
	return it->start - (it->prev ? it->prev->end : 0);
}

static unsigned long compute_gap(struct item *it)
{
	unsigned long gap = item_gap(it), sub;

	if (it->rb.rb_left) {
		sub = rb_entry(it->rb.rb_left, struct item, rb)->subtree_gap;
		if (sub > gap)
			gap = sub;
	}
	if (it->rb.rb_right) {
		sub = rb_entry(it->rb.rb_right, struct item, rb)->subtree_gap;
		if (sub > gap)
			gap = sub;
	}
	return gap;
}

RB_DECLARE_CALLBACKS(static, gap_callbacks, struct item, rb,
		     unsigned long, subtree_gap, compute_gap)

/* The model's neighbours of key k (NULL at the ends). */
static struct item *model_prev(int k)
{
	while (--k >= 0)
		if (present[k])
			return &items[k];
	return NULL;
}

static struct item *model_next(int k)
{
	while (++k < NKEYS)
		if (present[k])
			return &items[k];
	return NULL;
}

/*
 * As 4.16 __vma_link_rb: fix the successor's gap first (its prev is now
 * the new node), then link, set the new node's gap, and rebalance.
 */
static void item_insert(struct rb_root *root, int k)
{
	struct item *it = &items[k], *next = model_next(k);
	struct rb_node **link = &root->rb_node, *parent = NULL;

	it->prev = model_prev(k);
	if (next) {
		next->prev = it;
		gap_callbacks_propagate(&next->rb, NULL);
	}
	while (*link) {
		parent = *link;
		if (it->start < rb_entry(parent, struct item, rb)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->rb, parent, link);
	it->subtree_gap = 0;
	gap_callbacks_propagate(&it->rb, NULL);
	rb_insert_augmented(&it->rb, root, &gap_callbacks);
}

/* As 4.16 __vma_unlink + vma_gap_update(next). */
static void item_erase(struct rb_root *root, int k)
{
	struct item *it = &items[k], *next = model_next(k);

	rb_erase_augmented(&it->rb, root, &gap_callbacks);
	RB_CLEAR_NODE(&it->rb);
	if (next) {
		next->prev = it->prev;
		gap_callbacks_propagate(&next->rb, NULL);
	}
}

/* Returns the black height of the subtree, or -1 after printing why. */
static int check_subtree(struct rb_node *n, struct rb_node *parent,
			 unsigned long *max_gap)
{
	struct item *it;
	unsigned long lgap = 0, rgap = 0, gap;
	int lh, rh;

	*max_gap = 0;
	if (!n)
		return 1;
	it = rb_entry(n, struct item, rb);
	if (rb_parent(n) != parent) {
		fprintf(stderr, "node %lu: wrong parent\n", it->start);
		return -1;
	}
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) ||
			     (n->rb_right && rb_is_red(n->rb_right)))) {
		fprintf(stderr, "node %lu: red with red child\n", it->start);
		return -1;
	}
	lh = check_subtree(n->rb_left, n, &lgap);
	rh = check_subtree(n->rb_right, n, &rgap);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		fprintf(stderr, "node %lu: black heights %d/%d\n",
			it->start, lh, rh);
		return -1;
	}
	gap = item_gap(it);
	gap = max(gap, max(lgap, rgap));
	if (gap != it->subtree_gap) {
		fprintf(stderr, "node %lu: subtree_gap %lu, expected %lu\n",
			it->start, it->subtree_gap, gap);
		return -1;
	}
	*max_gap = gap;
	return lh + (rb_is_black(n) ? 1 : 0);
}

static bool check_tree(struct rb_root *root, u64 seed, int step)
{
	struct rb_node *n = rb_first(root), *last = NULL;
	unsigned long prev_end = 0, max_gap = 0, true_max = 0;
	int k;

	if (root->rb_node && !rb_is_black(root->rb_node)) {
		fprintf(stderr, "seed %llu step %d: red root\n",
			(unsigned long long)seed, step);
		return false;
	}
	if (check_subtree(root->rb_node, NULL, &max_gap) < 0) {
		fprintf(stderr, "seed %llu step %d: invariant broken\n",
			(unsigned long long)seed, step);
		return false;
	}
	/* In order, the tree holds exactly the model's keys. */
	for (k = 0; k < NKEYS; k++) {
		if (!present[k])
			continue;
		if (n != &items[k].rb) {
			fprintf(stderr, "seed %llu step %d: key %d out of order\n",
				(unsigned long long)seed, step, k);
			return false;
		}
		if (rb_prev(n) != last)
			return false;
		true_max = max(true_max, items[k].start - prev_end);
		prev_end = items[k].end;
		last = n;
		n = rb_next(n);
	}
	if (n || rb_last(root) != last)
		return false;
	if (max_gap != true_max) {
		fprintf(stderr, "seed %llu step %d: root gap %lu, brute force %lu\n",
			(unsigned long long)seed, step, max_gap, true_max);
		return false;
	}
	return true;
}

static bool run_random(u64 seed, int steps)
{
	struct rb_root root = RB_ROOT;
	u64 rng = seed;
	int i, k;

	memset(present, 0, sizeof(present));
	for (k = 0; k < NKEYS; k++) {
		items[k].start = (unsigned long)k * 16 + 1 + test_rand(&rng) % 4;
		items[k].end = items[k].start + 1 + test_rand(&rng) % 10;
		items[k].prev = NULL;
		RB_CLEAR_NODE(&items[k].rb);
	}
	for (i = 0; i < steps; i++) {
		/* Bias towards inserts early, erases late: sizes vary. */
		bool grow = test_rand(&rng) % 100 < (i < steps / 2 ? 65 : 35);

		k = test_rand(&rng) % NKEYS;
		if (grow && !present[k]) {
			item_insert(&root, k);
			present[k] = true;
		} else if (!grow && present[k]) {
			item_erase(&root, k);
			if (!RB_EMPTY_NODE(&items[k].rb))
				return false;
			present[k] = false;
		}
		if (!check_tree(&root, seed, i))
			return false;
	}
	return true;
}

static bool test_rbtree_augmented_random(void)
{
	static const u64 seeds[] = { 1, 42, 0x5eed, 20180313, 987654321 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++)
		ASSERT_TRUE(run_random(seeds[i], 4000));
	return true;
}

/* Plain rb_insert_color/rb_erase, sequential keys (worst case for fixups). */
static bool test_rbtree_plain_sequential(void)
{
	struct rb_root root = RB_ROOT;
	struct rb_node **link, *parent, *n;
	unsigned long expect;
	int k, count;

	for (k = 0; k < NKEYS; k++) {
		items[k].start = k;
		link = &root.rb_node;
		parent = NULL;
		while (*link) {
			parent = *link;
			link = &parent->rb_right;	/* ascending keys */
		}
		rb_link_node(&items[k].rb, parent, link);
		rb_insert_color(&items[k].rb, &root);
	}
	/* Erase every other key, from the front. */
	for (k = 0; k < NKEYS; k += 2)
		rb_erase(&items[k].rb, &root);
	count = 0;
	expect = 1;
	for (n = rb_first(&root); n; n = rb_next(n)) {
		ASSERT_EQ(rb_entry(n, struct item, rb)->start, expect);
		expect += 2;
		count++;
	}
	ASSERT_EQ(count, NKEYS / 2);
	ASSERT_TRUE(rb_is_black(root.rb_node));
	for (k = 1; k < NKEYS; k += 2)
		rb_erase(&items[k].rb, &root);
	ASSERT_TRUE(RB_EMPTY_ROOT(&root));
	ASSERT_TRUE(rb_first(&root) == NULL);
	return true;
}

void run_rbtree_tests(void)
{
	TEST(rbtree_augmented_random);
	TEST(rbtree_plain_sequential);
}
