/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - the lifecycle event trace.
 *
 * Customised for testing.  tb_trace_event appends {type, object id, value}
 * to current->evlog when tracing is on, tagged with current->op and
 * current->op_seq and numbered per log; past TB_EVLOG_MAX undrained
 * events it counts them as lost instead.  No log or tracing off: nothing.
 * The order events (TB_EV_VMA_WRITE_BEGIN and after) only under
 * TB_TRACE_ORDER and inside an operation.
 */
#ifndef _TB_KERNEL_TRACE_H
#define _TB_KERNEL_TRACE_H

#include "kernel/types.h"
#include "kernel/current.h"
#include "kernel/seqlock.h"

#ifdef TB_PERF
/* The perf flavour records no events (tb_trace refuses to enable them). */
static inline void tb_trace_event(u32 type, u64 object_id, s64 value)
{
	(void)type;
	(void)object_id;
	(void)value;
}

static inline void tb_trace_seq_event(u32 type, u64 object_id,
				      const seqcount_t *s)
{
	(void)type;
	(void)object_id;
	(void)s;
}
#else
void tb_trace_event(u32 type, u64 object_id, s64 value);

/* An event whose value is a seqcount's count (read only to record it). */
static inline void tb_trace_seq_event(u32 type, u64 object_id,
				      const seqcount_t *s)
{
	tb_trace_event(type, object_id, __tb_seq_load(s));
}
#endif

/*
 * Takes the next per-mm object id from current's account (0 without one).
 * kmem_cache_alloc already takes one for every object it returns (see
 * kmem_obj_id); this is only for objects that do not come from a cache.
 */
u64 tb_object_id(void);

#endif /* _TB_KERNEL_TRACE_H */
