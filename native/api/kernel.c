// SPDX-License-Identifier: GPL-2.0-only
/*
 * api/kernel.c - the library-wide tb_* entry points over the kernel shims,
 * and the seam between testbed.h and the kernel side.
 *
 * kernel/ and mm/ never include testbed.h (make check-layering): they have
 * their own types and constants, named as the kernel or the shim names
 * them.  Where the API hands a value or a record through unchanged (a
 * scheduling point to the caller's hook, a cache id, an event or a
 * violation record, the counted costs, mmap's PROT_ and MAP_ bits), the
 * two sides are meant to be the same, and the asserts below hold them
 * equal: a drift on either side fails the build, here, instead of
 * corrupting what a caller reads.  Values the API translates (the
 * speculative-fault abort reasons, into tb_stats) need no assert.
 */
#include <stddef.h>
#include "api/api.h"
#include "kernel/count.h"
#include "kernel/lockdep.h"

#define SAME_VALUE(tb, kernel)						\
	_Static_assert((long long)(tb) == (long long)(kernel),		\
		       #tb " != " #kernel)

/* struct tb and struct kernel: the same size. */
#define SAME_SIZE(tb, kernel)						\
	_Static_assert(sizeof(struct tb) == sizeof(struct kernel),	\
		       "struct " #tb " and struct " #kernel " differ in size")

/* Field f at the same offset with the same size in both structs. */
#define SAME_FIELD(tb, kernel, f)					\
	_Static_assert(offsetof(struct tb, f) ==			\
		       offsetof(struct kernel, f) &&			\
		       sizeof(((struct tb *)0)->f) ==			\
		       sizeof(((struct kernel *)0)->f),			\
		       "struct " #tb "." #f " and struct " #kernel "." #f \
		       " differ")

/* The scheduling points, handed to the caller's hook as they are. */
SAME_VALUE(TB_SCHED_LOCK, SCHED_LOCK);
SAME_VALUE(TB_SCHED_UNLOCK, SCHED_UNLOCK);
SAME_VALUE(TB_SCHED_ATOMIC, SCHED_ATOMIC);
SAME_VALUE(TB_SCHED_SEQ_BEGIN, SCHED_SEQ_BEGIN);
SAME_VALUE(TB_SCHED_SEQ_END, SCHED_SEQ_END);
SAME_VALUE(TB_SCHED_SEQ_READ, SCHED_SEQ_READ);
SAME_VALUE(TB_SCHED_BLOCKED, SCHED_BLOCKED);
SAME_VALUE(TB_SCHED_RCU_SYNC, SCHED_RCU_SYNC);
SAME_VALUE(TB_SCHED_PREEMPT, SCHED_PREEMPT);
SAME_VALUE(TB_SCHED_SEM_WAIT_READ, SCHED_SEM_WAIT_READ);
SAME_VALUE(TB_SCHED_SEM_WAIT_WRITE, SCHED_SEM_WAIT_WRITE);
SAME_VALUE(TB_SCHED_SEM_WAIT_WRITE_ON_WRITER, SCHED_SEM_WAIT_WRITE_ON_WRITER);
SAME_VALUE(TB_SCHED_WAKE, SCHED_WAKE);
_Static_assert(__builtin_types_compatible_p(tb_sched_hook_fn, sched_hook_fn),
	       "tb_sched_hook_fn and sched_hook_fn differ");

/* The cache ids of tb_inject_alloc_failure and the accounting. */
SAME_VALUE(TB_CACHE_ANY, CACHE_ANY);
SAME_VALUE(TB_CACHE_VMA, CACHE_VMA);
SAME_VALUE(TB_CACHE_FILE, CACHE_FILE);
SAME_VALUE(TB_CACHE_MEMPOLICY, CACHE_MEMPOLICY);
SAME_VALUE(TB_CACHE_ANON_VMA, CACHE_ANON_VMA);
SAME_VALUE(TB_CACHE_REGION, CACHE_REGION);
SAME_VALUE(TB_CACHE_REGION + 1, CACHE_NR);

/* Operation kinds: current->op is the API's number; 0 is none. */
SAME_VALUE(TB_OP_NONE, TASK_OP_NONE);

/* Lifecycle events, drained into the caller's tb_event buffer. */
SAME_VALUE(TB_EV_VMA_ALLOC, EV_VMA_ALLOC);
SAME_VALUE(TB_EV_VMA_FREE, EV_VMA_FREE);
SAME_VALUE(TB_EV_FILE_ALLOC, EV_FILE_ALLOC);
SAME_VALUE(TB_EV_FILE_GET, EV_FILE_GET);
SAME_VALUE(TB_EV_FILE_PUT, EV_FILE_PUT);
SAME_VALUE(TB_EV_FILE_FREE, EV_FILE_FREE);
SAME_VALUE(TB_EV_MPOL_ALLOC, EV_MPOL_ALLOC);
SAME_VALUE(TB_EV_MPOL_GET, EV_MPOL_GET);
SAME_VALUE(TB_EV_MPOL_PUT, EV_MPOL_PUT);
SAME_VALUE(TB_EV_MPOL_FREE, EV_MPOL_FREE);
SAME_VALUE(TB_EV_REGION_ALLOC, EV_REGION_ALLOC);
SAME_VALUE(TB_EV_REGION_GET, EV_REGION_GET);
SAME_VALUE(TB_EV_REGION_PUT, EV_REGION_PUT);
SAME_VALUE(TB_EV_REGION_FREE, EV_REGION_FREE);
SAME_VALUE(TB_EV_ANON_VMA_ALLOC, EV_ANON_VMA_ALLOC);
SAME_VALUE(TB_EV_ANON_VMA_FREE, EV_ANON_VMA_FREE);
SAME_VALUE(TB_EV_VMA_WRITE_BEGIN, EV_VMA_WRITE_BEGIN);
SAME_VALUE(TB_EV_VMA_WRITE_END, EV_VMA_WRITE_END);
SAME_VALUE(TB_EV_ANON_VMA_LINK, EV_ANON_VMA_LINK);
SAME_VALUE(TB_EV_ANON_VMA_UNLINK, EV_ANON_VMA_UNLINK);
SAME_VALUE(TB_EV_LOCK_ACQUIRE, EV_LOCK_ACQUIRE);
SAME_VALUE(TB_EV_LOCK_RELEASE, EV_LOCK_RELEASE);

/* tb_trace's modes, stored in the event log as they are. */
SAME_VALUE(TB_TRACE_OFF, TRACE_OFF);
SAME_VALUE(TB_TRACE_LIFECYCLE, TRACE_LIFECYCLE);
SAME_VALUE(TB_TRACE_ORDER, TRACE_ORDER);

/* The lock classes of TB_EV_LOCK_*: lockdep-lite's ranks. */
SAME_VALUE(TB_LOCK_MMAP_SEM, LOCK_RANK_MMAP_SEM);
SAME_VALUE(TB_LOCK_NOMMU_REGION_SEM, LOCK_RANK_NOMMU_REGION_SEM);
SAME_VALUE(TB_LOCK_MM_RB_LOCK, LOCK_RANK_MM_RB_LOCK);
SAME_VALUE(TB_LOCK_VMA_LOCK, LOCK_RANK_VMA_LOCK);
SAME_VALUE(TB_LOCK_PAGE_TABLE_LOCK, LOCK_RANK_PAGE_TABLE_LOCK);

SAME_SIZE(tb_event, evlog_entry);
SAME_FIELD(tb_event, evlog_entry, seq);
SAME_FIELD(tb_event, evlog_entry, op_seq);
SAME_FIELD(tb_event, evlog_entry, object_id);
SAME_FIELD(tb_event, evlog_entry, value);
SAME_FIELD(tb_event, evlog_entry, type);
SAME_FIELD(tb_event, evlog_entry, op);

SAME_SIZE(tb_violation, vlog_entry);
SAME_FIELD(tb_violation, vlog_entry, seq);
SAME_FIELD(tb_violation, vlog_entry, op_seq);
SAME_FIELD(tb_violation, vlog_entry, line);
SAME_FIELD(tb_violation, vlog_entry, op);
SAME_FIELD(tb_violation, vlog_entry, site);
SAME_FIELD(tb_violation, vlog_entry, message);

SAME_SIZE(tb_op_counts, line_counts);
SAME_FIELD(tb_op_counts, line_counts, ops);
SAME_FIELD(tb_op_counts, line_counts, mmap_sem_writes);
SAME_FIELD(tb_op_counts, line_counts, mm_rb_lock_writes);
SAME_FIELD(tb_op_counts, line_counts, page_table_lock_writes);
SAME_FIELD(tb_op_counts, line_counts, ptl_writes);
SAME_FIELD(tb_op_counts, line_counts, testbed_writes);
SAME_FIELD(tb_op_counts, line_counts, vma_rmw);
SAME_FIELD(tb_op_counts, line_counts, other_lock_writes);
SAME_FIELD(tb_op_counts, line_counts, seq_writes);
SAME_FIELD(tb_op_counts, line_counts, mmap_sem_read_waits);
SAME_FIELD(tb_op_counts, line_counts, mmap_sem_read_waits_writer);
SAME_FIELD(tb_op_counts, line_counts, mmap_sem_write_waits);
SAME_FIELD(tb_op_counts, line_counts, mm_rb_lock_read_waits);
SAME_FIELD(tb_op_counts, line_counts, mm_rb_lock_write_waits);
SAME_FIELD(tb_op_counts, line_counts, ptl_waits);
SAME_FIELD(tb_op_counts, line_counts, mmap_sem_write_steps);
SAME_FIELD(tb_op_counts, line_counts, mm_rb_lock_write_steps);

/* Memory policy modes of tb_mbind and tb_vma_info.policy. */
SAME_VALUE(TB_MPOL_DEFAULT, MPOL_DEFAULT);
SAME_VALUE(TB_MPOL_PREFERRED, MPOL_PREFERRED);
SAME_VALUE(TB_MPOL_BIND, MPOL_BIND);
SAME_VALUE(TB_MPOL_INTERLEAVE, MPOL_INTERLEAVE);

/* tb_file_open flags, stored in struct file as they are. */
SAME_VALUE(TB_FILE_MAP_DIRECT, FILE_MAP_DIRECT);
SAME_VALUE(TB_FILE_MAP_COPY, FILE_MAP_COPY);

/* tb_mmap and tb_mprotect: the mman.h bits, passed through. */
SAME_VALUE(TB_PROT_READ, PROT_READ);
SAME_VALUE(TB_PROT_WRITE, PROT_WRITE);
SAME_VALUE(TB_PROT_EXEC, PROT_EXEC);
SAME_VALUE(TB_MAP_SHARED, MAP_SHARED);
SAME_VALUE(TB_MAP_PRIVATE, MAP_PRIVATE);
SAME_VALUE(TB_MAP_FIXED, MAP_FIXED);
SAME_VALUE(TB_MAP_ANONYMOUS, MAP_ANONYMOUS);
SAME_VALUE(TB_MAP_GROWSDOWN, MAP_GROWSDOWN);

/* tb_fault: its flags in, its results out. */
SAME_VALUE(TB_FAULT_WRITE, FAULT_FLAG_WRITE);
SAME_VALUE(TB_FAULT_EXEC, FAULT_FLAG_INSTRUCTION);
SAME_VALUE(TB_FAULT_NO_SPECULATIVE, FAULT_FLAG_NO_SPECULATIVE);
SAME_VALUE(TB_FAULT_KERNEL, FAULT_FLAG_KERNEL);
SAME_VALUE(TB_FAULT_DONE_SPECULATIVE, FAULT_DONE_SPECULATIVE);
SAME_VALUE(TB_FAULT_DONE_CLASSIC, FAULT_DONE_CLASSIC);

/* tb_vma_info.vm_flags: the VMA's flags as they are. */
SAME_VALUE(TB_VM_READ, VM_READ);
SAME_VALUE(TB_VM_WRITE, VM_WRITE);
SAME_VALUE(TB_VM_EXEC, VM_EXEC);
SAME_VALUE(TB_VM_SHARED, VM_SHARED);
SAME_VALUE(TB_VM_MAYREAD, VM_MAYREAD);
SAME_VALUE(TB_VM_MAYWRITE, VM_MAYWRITE);
SAME_VALUE(TB_VM_MAYEXEC, VM_MAYEXEC);
SAME_VALUE(TB_VM_MAYSHARE, VM_MAYSHARE);
SAME_VALUE(TB_VM_GROWSDOWN, VM_GROWSDOWN);
SAME_VALUE(TB_VM_DONTCOPY, VM_DONTCOPY);
SAME_VALUE(TB_VM_WIPEONFORK, VM_WIPEONFORK);
SAME_VALUE(TB_VM_ACCOUNT, VM_ACCOUNT);

SAME_VALUE(TB_PAGE_SHIFT, PAGE_SHIFT);
SAME_VALUE(TB_PAGE_SIZE, PAGE_SIZE);

TB_API int tb_set_sched_hook(tb_sched_hook_fn fn, void *ctx)
{
	return tb_sched_set_hook(fn, ctx, false);
}

/* The same, with the blocking protocol on (see tb_sched_controlled). */
TB_API int tb_set_sched_hook_controlled(tb_sched_hook_fn fn, void *ctx)
{
	return tb_sched_set_hook(fn, ctx, true);
}

TB_API int tb_counts(uint32_t op, struct tb_op_counts *out)
{
#ifdef TB_PERF
	(void)op;
	(void)out;
	return -EOPNOTSUPP;
#else
	return tb_counts_sum(op, (struct line_counts *)out);
#endif
}

TB_API int tb_counts_reset(void)
{
#ifdef TB_PERF
	return -EOPNOTSUPP;
#else
	tb_counts_clear();
	return 0;
#endif
}

TB_API int tb_kmem_check(void)
{
	return kmem_cache_check_all();
}

TB_API int tb_global_violations(struct tb_violation *buf, int cap)
{
	if (cap < 0 || (cap > 0 && !buf))
		return -EINVAL;
	return tb_vlog_copy(&tb_global_vlog, (struct vlog_entry *)buf, cap);
}
