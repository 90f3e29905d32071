// SPDX-License-Identifier: GPL-2.0-only
/*
 * refcount_test.c - refcount_t transitions and the violations they record.
 */
#include "kernel/refcount.h"
#include "harness.h"
#include "util.h"

static bool test_refcount_normal_use_is_silent(void)
{
	struct test_sinks s;
	refcount_t r = REFCOUNT_INIT(1);

	test_sinks_get(&s);
	refcount_inc(&r);
	ASSERT_TRUE(refcount_inc_not_zero(&r));
	ASSERT_EQ(refcount_read(&r), 3);
	ASSERT_FALSE(refcount_dec_and_test(&r));
	ASSERT_FALSE(refcount_dec_and_test(&r));
	ASSERT_TRUE(refcount_dec_and_test(&r));
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	test_sinks_put(&s);
	return true;
}

static bool test_refcount_inc_from_zero_is_violation(void)
{
	struct test_sinks s;
	struct vlog_entry v;
	refcount_t r = REFCOUNT_INIT(0);

	test_sinks_get(&s);
	tb_current_set_op(TB_OP_FAULT, 77);
	ASSERT_FALSE(refcount_inc_not_zero(&r));	/* refusing is fine */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 0);
	refcount_inc(&r);
	ASSERT_EQ(refcount_read(&r), 0);		/* not resurrected */
	ASSERT_EQ(tb_vlog_count(&s.vlog), 1);
	ASSERT_EQ(tb_vlog_copy(&s.vlog, &v, 1), 1);
	ASSERT_EQ(v.seq, 1);
	ASSERT_EQ(v.op_seq, 77);
	ASSERT_EQ(v.op, TB_OP_FAULT);
	/* The site is the caller, not the shim. */
	ASSERT_TRUE(strcmp(v.site, __func__) == 0);
	ASSERT_TRUE(strstr(v.message, "increment on 0") != NULL);
	test_sinks_put(&s);
	return true;
}

static bool test_refcount_underflow_is_violation(void)
{
	struct test_sinks s;
	struct vlog_entry v[2];
	refcount_t r = REFCOUNT_INIT(1);

	test_sinks_get(&s);
	ASSERT_TRUE(refcount_dec_and_test(&r));
	ASSERT_FALSE(refcount_dec_and_test(&r));	/* underflow */
	ASSERT_EQ(refcount_read(&r), 0);
	refcount_set(&r, 1);
	refcount_dec(&r);				/* hit 0: leak */
	ASSERT_EQ(tb_vlog_copy(&s.vlog, v, 2), 2);
	ASSERT_TRUE(strstr(v[0].message, "underflow") != NULL);
	ASSERT_TRUE(strstr(v[1].message, "leaking") != NULL);
	ASSERT_EQ(v[1].seq, 2);
	test_sinks_put(&s);
	return true;
}

static bool test_warn_without_mm_goes_to_global_log(void)
{
	struct vlog_entry buf[TB_VLOG_MAX];
	int before, after;

	tb_current_leave();
	before = tb_vlog_copy(&tb_global_vlog, buf, TB_VLOG_MAX);
	ASSERT_TRUE(WARN(before >= 0, "global %d", 7));
	ASSERT_FALSE(WARN_ON(before < 0));
	after = tb_vlog_copy(&tb_global_vlog, buf, TB_VLOG_MAX);
	ASSERT_EQ(after, before + 1);
	ASSERT_TRUE(strcmp(buf[after - 1].message, "global 7") == 0);
	return true;
}

void run_refcount_tests(void)
{
	TEST(refcount_normal_use_is_silent);
	TEST(refcount_inc_from_zero_is_violation);
	TEST(refcount_underflow_is_violation);
	TEST(warn_without_mm_goes_to_global_log);
}
