// SPDX-License-Identifier: GPL-2.0-only
/*
 * maple_test.c - the kernel's maple tree (maple/maple.c: lib/maple_tree.c
 * of Debian's linux-source-6.12, compiled at build time) under the
 * testbed's RCU shim (kernel/rcupdate.c on liburcu):
 *  - random range stores and erases agree with a per-page reference, on
 *    mas_walk and on mas_find;
 *  - bad input is refused and leaves the tree as it was;
 *  - readers walking under rcu_read_lock alone, against a writer that keeps
 *    replacing nodes, never see a wrong entry (in the asan flavour a node
 *    freed under a reader is a use-after-free report);
 *  - destroying the trees and waiting for the callbacks frees every node.
 *   maple-tests [-s SEED] [-n WRITES]
 * Outside TEST_SRCS: it links the maple tree and an RCU shim with a body.
 */
#include <getopt.h>
#include <pthread.h>
#include "../harness.h"
#include "kernel/rcupdate.h"
#include "maple/maple.h"

/* liburcu's rcu_barrier: the test's own wait for every call_rcu callback */
extern void urcu_memb_barrier(void);

_Static_assert(sizeof(struct rcu_head) == TB_MT_RCU_HEAD_SIZE,
	       "kernel/rcupdate.h's rcu_head must match maple/include/linux/rcupdate.h's");

int tests_run, tests_passed, tests_failed;

static unsigned int seed = 1;
static long writes = 50000;

#define PAGES	1024UL
#define TOKENS	64

/* Entries: pointers into this array (aligned, so never internal entries). */
static long tokens[TOKENS];

static unsigned long rnd(unsigned int *s, unsigned long n)
{
	return (unsigned long)rand_r(s) % n;
}

/* The first page at or after @page with an entry in @ref, or PAGES. */
static unsigned long ref_next(void *const *ref, unsigned long page)
{
	while (page < PAGES && !ref[page])
		page++;
	return page;
}

static bool check_all(struct tb_mt *mt, void *const *ref)
{
	unsigned long page, first, last, next;
	void *entry;

	for (page = 0; page < PAGES; page++) {
		rcu_read_lock();
		entry = tb_mt_walk(mt, page * PAGE_SIZE + rnd(&seed, PAGE_SIZE));
		rcu_read_unlock();
		ASSERT_TRUE(entry == ref[page]);
		entry = tb_mt_find(mt, page * PAGE_SIZE, ULONG_MAX, &first,
				   &last);
		next = ref_next(ref, page);
		if (next == PAGES) {
			ASSERT_TRUE(entry == NULL);
			continue;
		}
		ASSERT_TRUE(entry == ref[next]);
		ASSERT_TRUE(first <= next * PAGE_SIZE);
		ASSERT_TRUE(last >= next * PAGE_SIZE + PAGE_SIZE - 1);
	}
	return true;
}

static bool test_store_walk_matches_reference(void)
{
	static void *ref[PAGES];
	struct tb_mt *mt = tb_mt_alloc();
	unsigned int s = seed;
	long i;

	ASSERT_TRUE(mt != NULL);
	memset(ref, 0, sizeof(ref));
	for (i = 0; i < 4000; i++) {
		unsigned long lo = rnd(&s, PAGES);
		unsigned long len = 1 + rnd(&s, 32);
		unsigned long hi = min(lo + len, PAGES), p;
		void *entry = rnd(&s, 4) ? &tokens[rnd(&s, TOKENS)] : NULL;

		ASSERT_EQ(tb_mt_store(mt, lo * PAGE_SIZE, hi * PAGE_SIZE - 1,
				      entry), 0);
		for (p = lo; p < hi; p++)
			ref[p] = entry;
		if (i % 500 == 499 && !check_all(mt, ref)) {
			fprintf(stderr, "after %ld stores; replay: maple-tests -s %u\n",
				i + 1, seed);
			return false;
		}
	}
	tb_mt_free(mt);
	return true;
}

static bool test_bad_input_refused(void)
{
	struct tb_mt *mt = tb_mt_alloc();

	ASSERT_TRUE(mt != NULL);
	ASSERT_EQ(tb_mt_store(mt, PAGE_SIZE, 2 * PAGE_SIZE - 1, &tokens[1]), 0);
	ASSERT_EQ(tb_mt_store(mt, 2 * PAGE_SIZE, PAGE_SIZE, &tokens[2]),
		  -EINVAL);
	/* binary 10 in the low bits: the tree's internal entries */
	ASSERT_EQ(tb_mt_store(mt, 0, PAGE_SIZE - 1, (void *)0x1002), -EINVAL);
	ASSERT_EQ(tb_mt_store(mt, PAGE_SIZE, PAGE_SIZE, (void *)0x2), -EINVAL);
	ASSERT_TRUE(tb_mt_walk(mt, 0) == NULL);
	ASSERT_TRUE(tb_mt_walk(mt, PAGE_SIZE) == &tokens[1]);
	ASSERT_TRUE(tb_mt_walk(mt, 2 * PAGE_SIZE) == NULL);
	tb_mt_free(mt);
	return true;
}

/* An entry that says its own range: [lo, hi) in pages, low bits 00. */
static void *range_entry(unsigned long lo, unsigned long hi)
{
	return (void *)((lo << 34) | (hi << 2));
}

struct race {
	struct tb_mt *mt;
	int stop;
	long walks, hits, wrong;
	unsigned int seed;
};

static void *reader(void *arg)
{
	struct race *r = arg;
	unsigned int s = __atomic_add_fetch(&r->seed, 1, __ATOMIC_RELAXED);
	long walks = 0, hits = 0, wrong = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long addr = rnd(&s, PAGES) * PAGE_SIZE;
		uintptr_t e;

		rcu_read_lock();
		e = (uintptr_t)tb_mt_walk(r->mt, addr);
		rcu_read_unlock();
		walks++;
		if (!e)
			continue;
		if (addr < (e >> 34) * PAGE_SIZE ||
		    addr >= ((e >> 2) & 0xffffffffUL) * PAGE_SIZE)
			wrong++;
		else
			hits++;
	}
	__atomic_add_fetch(&r->walks, walks, __ATOMIC_RELAXED);
	__atomic_add_fetch(&r->hits, hits, __ATOMIC_RELAXED);
	__atomic_add_fetch(&r->wrong, wrong, __ATOMIC_RELAXED);
	return NULL;
}

static bool test_rcu_readers_against_writer(void)
{
	struct race r = { .mt = tb_mt_alloc(), .seed = seed };
	unsigned int s = seed;
	pthread_t t[3];
	long i;
	int n;

	ASSERT_TRUE(r.mt != NULL);
	for (n = 0; n < 3; n++)
		ASSERT_EQ(pthread_create(&t[n], NULL, reader, &r), 0);
	for (i = 0; i < writes; i++) {
		unsigned long lo = rnd(&s, PAGES - 64);
		unsigned long hi = lo + 1 + rnd(&s, 64);
		void *entry = rnd(&s, 3) ? range_entry(lo, hi) : NULL;

		if (tb_mt_store(r.mt, lo * PAGE_SIZE, hi * PAGE_SIZE - 1,
				entry)) {
			fprintf(stderr, "store %ld failed\n", i);
			break;
		}
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	for (n = 0; n < 3; n++)
		pthread_join(t[n], NULL);
	tb_mt_free(r.mt);
	printf("maple: %ld writes, %ld walks under rcu_read_lock, %ld hits, %ld wrong\n",
	       i, r.walks, r.hits, r.wrong);
	if (r.wrong)
		fprintf(stderr, "replay: maple-tests -s %u -n %ld\n", seed,
			writes);
	ASSERT_EQ(i, writes);
	ASSERT_EQ(r.wrong, 0);
	ASSERT_TRUE(r.walks > 0);
	return true;
}

static bool test_destroy_frees_every_node(void)
{
	struct tb_mt *mt = tb_mt_alloc();
	unsigned long p;

	ASSERT_TRUE(mt != NULL);
	for (p = 0; p < PAGES; p += 2)
		ASSERT_EQ(tb_mt_store(mt, p * PAGE_SIZE, p * PAGE_SIZE + 1,
				      &tokens[p % TOKENS]), 0);
	ASSERT_TRUE(tb_mt_live_nodes() > 0);
	tb_mt_free(mt);
	/* the earlier tests' trees too: every node went to call_rcu */
	urcu_memb_barrier();
	ASSERT_EQ(tb_mt_live_nodes(), 0);
	return true;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		switch (opt) {
		case 's':
			seed = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			writes = strtol(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: maple-tests [-s SEED] [-n WRITES]\n");
			return 2;
		}
	}
	if (writes <= 0) {
		fprintf(stderr, "maple-tests: -n must be positive\n");
		return 2;
	}
	TEST(store_walk_matches_reference);
	TEST(bad_input_refused);
	TEST(rcu_readers_against_writer);
	TEST(destroy_frees_every_node);
	printf("%d tests run, %d passed, %d failed\n",
	       tests_run, tests_passed, tests_failed);
	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
