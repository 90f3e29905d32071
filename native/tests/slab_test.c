// SPDX-License-Identifier: GPL-2.0-only
/*
 * slab_test.c - poisoning, quarantine, accounting and failure injection,
 * and the struct file / mempolicy lifetimes built on them.
 */
#include "kernel/slab.h"
#include "kernel/fs.h"
#include "kernel/mempolicy.h"
#include "kernel/trace.h"
#include "harness.h"
#include "util.h"

struct obj {
	unsigned long a, b;
	char name[24];
};

static bool test_slab_accounting_and_ids(void)
{
	struct test_sinks s;
	struct kmem_cache *c = kmem_cache_create("t_acct", sizeof(struct obj),
						 CACHE_VMA);
	struct obj *x, *y;

	ASSERT_TRUE(c != NULL);
	test_sinks_get(&s);
	x = kmem_cache_zalloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT_TRUE(x && y);
	ASSERT_EQ(x->a, 0);
	ASSERT_EQ(kmem_obj_id(x), 1);
	ASSERT_EQ(kmem_obj_id(y), 2);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 2);
	ASSERT_EQ(tb_kmem_allocations(&s.kmem), 2);
	kmem_cache_free(c, x);
	ASSERT_TRUE(kmem_obj_freed(x));		/* still quarantined */
	ASSERT_FALSE(kmem_obj_freed(y));
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 1);
	/* Freeing from a thread with another (or no) account uncharges ours. */
	tb_current_leave();
	kmem_cache_free(c, y);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 0);
	test_sinks_get(&s);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	test_sinks_put(&s);
	kmem_cache_destroy(c);
	return true;
}

/*
 * call_rcu's split free: the owner's count drops at the uncharge, the
 * object stays live (a reader may still look) until the real free, which
 * charges nothing again; uncharging a freed object is a violation.
 */
static bool test_slab_uncharge_then_free(void)
{
	struct test_sinks s;
	struct kmem_cache *c = kmem_cache_create("t_uncharge",
						 sizeof(struct obj),
						 CACHE_VMA);
	struct obj *x, *y;

	test_sinks_get(&s);
	x = kmem_cache_alloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT_TRUE(x && y);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 2);
	kmem_cache_uncharge(c, x);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 1);
	ASSERT_FALSE(kmem_obj_freed(x));
	kmem_cache_free(c, x);
	ASSERT_TRUE(kmem_obj_freed(x));
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 1);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	kmem_cache_uncharge(c, x);		/* the bug: after the free */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 1);
	kmem_cache_free(c, y);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 0);
	test_sinks_put(&s);
	kmem_cache_destroy(c);
	return true;
}

static bool test_slab_poison_detects_write_after_free(void)
{
	struct test_sinks s;
	struct kmem_cache *c = kmem_cache_create("t_poison",
						 sizeof(struct obj),
						 CACHE_FILE);
	struct vlog_entry v;
	struct obj *x;
	unsigned char *p;
	size_t i;

	test_sinks_get(&s);
	x = kmem_cache_alloc(c, GFP_KERNEL);
	ASSERT_TRUE(x != NULL);
	kmem_cache_free(c, x);
	/* The memory is kept (quarantine) and poisoned. */
	p = (unsigned char *)x;
	for (i = 0; i < sizeof(*x); i++)
		ASSERT_EQ(p[i], POISON_FREE);
	ASSERT_EQ(kmem_cache_check_all(), 0);
	ASSERT_EQ(kmem_cache_check_all(), 0);
	x->b = 0x1234;			/* the bug: a store after free */
	ASSERT_EQ(kmem_cache_check_all(), 1);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	ASSERT_EQ(tb_vlog_copy(&s.vlog, &v, 1), 1);
	ASSERT_TRUE(strstr(v.message, "t_poison") != NULL);
	ASSERT_TRUE(strstr(v.message, "offset 8") != NULL);
	/* Counted again, reported once. */
	ASSERT_EQ(kmem_cache_check_all(), 1);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	/* Double free is a violation and does not re-enter quarantine. */
	kmem_cache_free(c, x);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 2);
	kmem_cache_destroy(c);
	test_sinks_put(&s);
	return true;
}

static bool test_slab_quarantine_is_fifo(void)
{
	struct test_sinks s;
	struct kmem_cache *c = kmem_cache_create("t_fifo", sizeof(struct obj),
						 CACHE_REGION);
	struct obj *first, *o;
	int i;

	test_sinks_get(&s);
	first = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, first);
	first->a = 1;		/* corrupt the oldest quarantined object */
	/* Fill the quarantine: the corrupted one is evicted and checked. */
	for (i = 0; i < KMEM_QUARANTINE - 1; i++) {
		o = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, o);
	}
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	o = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, o);		/* evicts "first", checking it */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	ASSERT_EQ(kmem_cache_check_all(), 0);	/* gone from quarantine */
	kmem_cache_destroy(c);
	test_sinks_put(&s);
	return true;
}

static bool test_slab_injection_fails_nth_and_takes_no_id(void)
{
	struct test_sinks s;
	struct kmem_cache *vc = kmem_cache_create("t_vma", sizeof(struct obj),
						  CACHE_VMA);
	struct kmem_cache *fc = kmem_cache_create("t_file", sizeof(struct obj),
						  CACHE_FILE);
	struct obj *o[4];

	test_sinks_get(&s);
	tb_kmem_inject(&s.kmem, CACHE_VMA, 2);
	o[0] = kmem_cache_alloc(fc, GFP_KERNEL);	/* other cache: no count */
	o[1] = kmem_cache_alloc(vc, GFP_KERNEL);	/* 1st */
	o[2] = kmem_cache_alloc(vc, GFP_KERNEL);	/* 2nd: fails */
	o[3] = kmem_cache_alloc(vc, GFP_KERNEL);	/* one-shot */
	ASSERT_TRUE(o[0] && o[1] && o[3]);
	ASSERT_TRUE(o[2] == NULL);
	ASSERT_EQ(kmem_obj_id(o[1]), 2);
	ASSERT_EQ(kmem_obj_id(o[3]), 3);		/* no id taken */
	ASSERT_EQ(tb_kmem_injected_failures(&s.kmem), 1);
	ASSERT_EQ(tb_kmem_allocations(&s.kmem), 3);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 2);

	/* ANY counts every cache; 0 disarms. */
	tb_kmem_inject(&s.kmem, CACHE_ANY, 1);
	ASSERT_TRUE(kmem_cache_alloc(fc, GFP_KERNEL) == NULL);
	tb_kmem_inject(&s.kmem, CACHE_ANY, 1);
	tb_kmem_inject(&s.kmem, CACHE_ANY, 0);
	o[2] = kmem_cache_alloc(vc, GFP_KERNEL);
	ASSERT_TRUE(o[2] != NULL);
	ASSERT_EQ(tb_kmem_injected_failures(&s.kmem), 2);
	kmem_cache_free(fc, o[0]);
	kmem_cache_free(vc, o[1]);
	kmem_cache_free(vc, o[2]);
	kmem_cache_free(vc, o[3]);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_VMA), 0);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_FILE), 0);
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	kmem_cache_destroy(vc);
	kmem_cache_destroy(fc);
	test_sinks_put(&s);
	return true;
}

static bool expect_event(const struct evlog_entry *e, u32 type, u64 id,
			 s64 value)
{
	if (e->type == type && e->object_id == id && e->value == value)
		return true;
	fprintf(stderr, "event #%llu: type %u id %llu value %lld, expected %u %llu %lld\n",
		(unsigned long long)e->seq, e->type,
		(unsigned long long)e->object_id, (long long)e->value, type,
		(unsigned long long)id, (long long)value);
	return false;
}

static bool test_file_and_mempolicy_events(void)
{
	struct test_sinks s;
	struct evlog_entry ev[16];
	struct file *f;
	struct mempolicy *p, *q;

	test_sinks_get(&s);
	tb_evlog_enable(&s.evlog, true);
	tb_current_set_op(TB_OP_MMAP, 5);
	f = file_alloc(8192, 0);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->tb_id, 1);
	get_file(f);
	fput(f);
	fput(f);				/* frees */
	ASSERT_TRUE(kmem_obj_freed(f));
	fput(f);				/* use after free: violation */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);

	ASSERT_TRUE(mpol_new(MPOL_DEFAULT) == NULL);
	ASSERT_TRUE(IS_ERR(mpol_new(MPOL_MAX)));
	p = mpol_new(MPOL_BIND);
	ASSERT_FALSE(IS_ERR_OR_NULL(p));
	q = mpol_dup(p);			/* always a new policy */
	ASSERT_TRUE(q != p);
	ASSERT_TRUE(mpol_equal(p, q));
	ASSERT_TRUE(mpol_equal(NULL, NULL));
	ASSERT_FALSE(mpol_equal(p, NULL));
	ASSERT_TRUE(mpol_dup(NULL) == NULL);
	mpol_get(p);
	mpol_put(p);
	mpol_put(p);
	mpol_put(q);
	mpol_put(NULL);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_MEMPOLICY), 0);
	ASSERT_EQ(tb_kmem_live(&s.kmem, CACHE_FILE), 0);

	ASSERT_EQ(tb_evlog_drain(&s.evlog, ev, 16), 13);
	ASSERT_TRUE(expect_event(&ev[0], EV_FILE_ALLOC, 1, 1));
	ASSERT_TRUE(expect_event(&ev[1], EV_FILE_GET, 1, 2));
	ASSERT_TRUE(expect_event(&ev[2], EV_FILE_PUT, 1, 1));
	ASSERT_TRUE(expect_event(&ev[3], EV_FILE_PUT, 1, 0));
	ASSERT_TRUE(expect_event(&ev[4], EV_FILE_FREE, 1, 0));
	ASSERT_TRUE(expect_event(&ev[5], EV_MPOL_ALLOC, 2, 1));
	ASSERT_TRUE(expect_event(&ev[6], EV_MPOL_ALLOC, 3, 1));
	ASSERT_TRUE(expect_event(&ev[7], EV_MPOL_GET, 2, 2));
	ASSERT_TRUE(expect_event(&ev[8], EV_MPOL_PUT, 2, 1));
	ASSERT_TRUE(expect_event(&ev[9], EV_MPOL_PUT, 2, 0));
	ASSERT_TRUE(expect_event(&ev[10], EV_MPOL_FREE, 2, 0));
	ASSERT_TRUE(expect_event(&ev[11], EV_MPOL_PUT, 3, 0));
	ASSERT_TRUE(expect_event(&ev[12], EV_MPOL_FREE, 3, 0));
	ASSERT_EQ(ev[0].seq, 1);
	ASSERT_EQ(ev[12].seq, 13);
	ASSERT_EQ(ev[3].op, TB_OP_MMAP);
	ASSERT_EQ(ev[3].op_seq, 5);
	/* Drained: the log is empty now; tracing off records nothing. */
	ASSERT_EQ(tb_evlog_drain(&s.evlog, ev, 16), 0);
	tb_evlog_enable(&s.evlog, false);
	f = file_alloc(4096, 0);
	fput(f);
	ASSERT_EQ(tb_evlog_drain(&s.evlog, ev, 16), 0);
	ASSERT_EQ(tb_evlog_lost(&s.evlog), 0);
	test_sinks_put(&s);
	return true;
}

void run_slab_tests(void)
{
	TEST(slab_accounting_and_ids);
	TEST(slab_uncharge_then_free);
	TEST(slab_poison_detects_write_after_free);
	TEST(slab_quarantine_is_fifo);
	TEST(slab_injection_fails_nth_and_takes_no_id);
	TEST(file_and_mempolicy_events);
}
