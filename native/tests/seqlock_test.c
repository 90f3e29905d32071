// SPDX-License-Identifier: GPL-2.0-only
/*
 * seqlock_test.c - seqcount parity, reader retry, and the scheduling hook.
 */
#include <pthread.h>
#include "kernel/seqlock.h"
#include "kernel/atomic.h"
#include "kernel/spinlock.h"
#include "harness.h"
#include "util.h"

static bool test_seqcount_parity(void)
{
	struct test_sinks s;
	seqcount_t sc;
	unsigned int start;

	test_sinks_get(&s);
	seqcount_init(&sc);
	start = read_seqcount_begin(&sc);
	ASSERT_EQ(start, 0);
	write_seqcount_begin(&sc);
	ASSERT_EQ(raw_read_seqcount(&sc) & 1, 1);	/* odd: in a write */
	ASSERT_TRUE(read_seqcount_retry(&sc, start));
	write_seqcount_end(&sc);
	ASSERT_EQ(raw_read_seqcount(&sc), 2);
	ASSERT_TRUE(read_seqcount_retry(&sc, start));
	start = read_seqcount_begin(&sc);
	ASSERT_FALSE(read_seqcount_retry(&sc, start));
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	/* Unbalanced end and nested begin are violations. */
	raw_write_seqcount_end(&sc);
	raw_write_seqcount_begin(&sc);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 2);
	test_sinks_put(&s);
	return true;
}

/* One writer keeps a == b inside write sections; readers never see a != b
 * in a read section that does not retry. */
struct seq_shared {
	seqcount_t sc;
	unsigned long a, b;
	int torn;
	int reads_ok;
};

#define SEQ_WRITES	20000
#define SEQ_READS	20000

static void *seq_writer(void *p)
{
	struct seq_shared *sh = p;
	unsigned long i;

	for (i = 1; i <= SEQ_WRITES; i++) {
		write_seqcount_begin(&sh->sc);
		WRITE_ONCE(sh->a, i);
		WRITE_ONCE(sh->b, i);
		write_seqcount_end(&sh->sc);
	}
	return NULL;
}

static void *seq_reader(void *p)
{
	struct seq_shared *sh = p;
	unsigned long a, b;
	unsigned int seq;
	int i;

	for (i = 0; i < SEQ_READS; i++) {
		seq = read_seqcount_begin(&sh->sc);
		a = READ_ONCE(sh->a);
		b = READ_ONCE(sh->b);
		if (read_seqcount_retry(&sh->sc, seq))
			continue;
		if (a != b)
			__atomic_fetch_add(&sh->torn, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&sh->reads_ok, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static bool test_seqcount_readers_never_see_torn_state(void)
{
	struct seq_shared sh = { .a = 0, .b = 0 };
	pthread_t w, r[2];
	int i;

	seqcount_init(&sh.sc);
	pthread_create(&w, NULL, seq_writer, &sh);
	for (i = 0; i < 2; i++)
		pthread_create(&r[i], NULL, seq_reader, &sh);
	pthread_join(w, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	ASSERT_EQ(sh.torn, 0);
	ASSERT_TRUE(sh.reads_ok > 0);
	ASSERT_EQ(raw_read_seqcount(&sh.sc), 2 * SEQ_WRITES);
	return true;
}

struct hook_counts {
	int n[SCHED_SEQ_READ + 1];
	const void *last_obj;
};

static void count_hook(int point, const void *obj, void *ctx)
{
	struct hook_counts *c = ctx;

	if (point > 0 && point <= SCHED_SEQ_READ)
		c->n[point]++;
	c->last_obj = obj;
}

static bool test_sched_hook_sees_every_point(void)
{
	struct hook_counts c;
	seqcount_t sc;
	spinlock_t l;
	atomic_t v = ATOMIC_INIT(0);
	unsigned int seq;

	memset(&c, 0, sizeof(c));
	seqcount_init(&sc);
	spin_lock_init(&l);
	ASSERT_EQ(tb_sched_set_hook(NULL, &c, false), -EINVAL);
	ASSERT_EQ(tb_sched_set_hook(count_hook, &c, false), 0);
	spin_lock(&l);
	ASSERT_TRUE(c.last_obj == &l);
	spin_unlock(&l);
	atomic_inc(&v);
	(void)atomic_read(&v);			/* plain reads: no hook */
	write_seqcount_begin(&sc);
	write_seqcount_end(&sc);
	seq = raw_read_seqcount(&sc);
	(void)read_seqcount_retry(&sc, seq);
	ASSERT_EQ(tb_sched_set_hook(NULL, NULL, false), 0);
	atomic_inc(&v);				/* hook removed */
	ASSERT_EQ(c.n[SCHED_LOCK], 1);
	ASSERT_EQ(c.n[SCHED_UNLOCK], 1);
	ASSERT_EQ(c.n[SCHED_ATOMIC], 1);
	ASSERT_EQ(c.n[SCHED_SEQ_BEGIN], 1);
	ASSERT_EQ(c.n[SCHED_SEQ_END], 1);
	ASSERT_EQ(c.n[SCHED_SEQ_READ], 2);
	spin_lock_destroy(&l);
	return true;
}

void run_seqlock_tests(void)
{
	TEST(seqcount_parity);
	TEST(seqcount_readers_never_see_torn_state);
	TEST(sched_hook_sees_every_point);
}
