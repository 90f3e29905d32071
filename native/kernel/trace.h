/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - the lifecycle event trace.
 *
 * Customised for testing.  tb_trace_event appends {type, object id, value}
 * to current->evlog when tracing is on, tagged with current->op and
 * current->op_seq and numbered per log; past TB_EVLOG_MAX undrained
 * events it counts them as lost instead.  No log or tracing off: nothing.
 * The order events (EV_VMA_WRITE_BEGIN and after) only under
 * TRACE_ORDER and inside an operation.
 */
#ifndef _TB_KERNEL_TRACE_H
#define _TB_KERNEL_TRACE_H

#include "kernel/types.h"
#include "kernel/current.h"
#include "kernel/seqlock.h"

/*
 * Lifecycle events; object ids are stable per mm (allocation order).
 * testbed.h's TB_EV_* have these values (api/kernel.c asserts it).
 */
enum trace_event_type {
	EV_VMA_ALLOC = 1,
	EV_VMA_FREE = 2,
	EV_FILE_ALLOC = 3,
	EV_FILE_GET = 4,
	EV_FILE_PUT = 5,
	EV_FILE_FREE = 6,
	EV_MPOL_ALLOC = 7,
	EV_MPOL_GET = 8,
	EV_MPOL_PUT = 9,
	EV_MPOL_FREE = 10,
	EV_REGION_ALLOC = 11,
	EV_REGION_GET = 12,
	EV_REGION_PUT = 13,
	EV_REGION_FREE = 14,
	EV_ANON_VMA_ALLOC = 15,
	EV_ANON_VMA_FREE = 16,
	/*
	 * Order events, only under TRACE_ORDER and inside an operation:
	 * a VMA's write section opens and closes (object = VMA, value =
	 * vm_sequence after), a VMA joins or leaves an anon_vma (object =
	 * anon_vma, value = the VMAs linked after), a ranked lock is taken
	 * or released (object = its lockdep rank, value = 1 for shared).
	 */
	EV_VMA_WRITE_BEGIN = 17,
	EV_VMA_WRITE_END = 18,
	EV_ANON_VMA_LINK = 19,
	EV_ANON_VMA_UNLINK = 20,
	EV_LOCK_ACQUIRE = 21,
	EV_LOCK_RELEASE = 22,
};

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
