// SPDX-License-Identifier: GPL-2.0-only
/*
 * api/abi.c - tb_abi_layout: the offset and size of every struct and
 * field of testbed.h as this library was compiled, so the interop layer
 * can check its bindings against the real thing.  A whole-struct row has
 * field_name "".
 */
#include "api/api.h"

#define ROW_STRUCT(s)	{ #s, "", 0, sizeof(struct s) }
#define ROW(s, f)	{ #s, #f, offsetof(struct s, f),		\
			  sizeof(((struct s *)0)->f) }

static const struct tb_abi_field abi_rows[] = {
	ROW_STRUCT(tb_vma_info),
	ROW(tb_vma_info, id),
	ROW(tb_vma_info, vm_start),
	ROW(tb_vma_info, vm_end),
	ROW(tb_vma_info, vm_pgoff),
	ROW(tb_vma_info, vm_flags),
	ROW(tb_vma_info, file_id),
	ROW(tb_vma_info, region_id),
	ROW(tb_vma_info, policy),
	ROW(tb_vma_info, ref_count),
	ROW(tb_vma_info, populated),
	ROW(tb_vma_info, has_anon_vma),
	ROW(tb_vma_info, in_tree),
	ROW(tb_vma_info, sequence),
	ROW(tb_vma_info, cow_pages),
	ROW(tb_vma_info, anon_chain),

	ROW_STRUCT(tb_stats),
	ROW(tb_stats, live_vmas),
	ROW(tb_stats, live_files),
	ROW(tb_stats, live_mempolicies),
	ROW(tb_stats, live_anon_vmas),
	ROW(tb_stats, live_regions),
	ROW(tb_stats, map_count),
	ROW(tb_stats, populated_pages),
	ROW(tb_stats, allocations),
	ROW(tb_stats, injected_failures),
	ROW(tb_stats, faults),
	ROW(tb_stats, spf_attempts),
	ROW(tb_stats, spf_success),
	ROW(tb_stats, spf_abort_no_vma),
	ROW(tb_stats, spf_abort_seq_odd),
	ROW(tb_stats, spf_abort_seq_changed),
	ROW(tb_stats, spf_abort_detached),
	ROW(tb_stats, spf_abort_access),
	ROW(tb_stats, spf_abort_not_anon),
	ROW(tb_stats, spf_abort_no_anon_vma),
	ROW(tb_stats, spf_abort_mpol),
	ROW(tb_stats, spf_abort_ptl_busy),
	ROW(tb_stats, classic_faults),
	ROW(tb_stats, fallbacks),
	ROW(tb_stats, spf_vma_reused),
	ROW(tb_stats, segv),
	ROW(tb_stats, violations),
	ROW(tb_stats, events_lost),

	ROW_STRUCT(tb_violation),
	ROW(tb_violation, seq),
	ROW(tb_violation, op_seq),
	ROW(tb_violation, line),
	ROW(tb_violation, op),
	ROW(tb_violation, site),
	ROW(tb_violation, message),

	ROW_STRUCT(tb_event),
	ROW(tb_event, seq),
	ROW(tb_event, op_seq),
	ROW(tb_event, object_id),
	ROW(tb_event, value),
	ROW(tb_event, type),
	ROW(tb_event, op),

	ROW_STRUCT(tb_op),
	ROW(tb_op, kind),
	ROW(tb_op, prot),
	ROW(tb_op, flags),
	ROW(tb_op, fd),
	ROW(tb_op, addr),
	ROW(tb_op, len),
	ROW(tb_op, pgoff),
	ROW(tb_op, result),

	ROW_STRUCT(tb_config_info),
	ROW(tb_config_info, name),
	ROW(tb_config_info, abi_version),
	ROW(tb_config_info, mmu),
	ROW(tb_config_info, spf),
	ROW(tb_config_info, shared_free),
	ROW(tb_config_info, test_flags),
	ROW(tb_config_info, sanitizers),
	ROW(tb_config_info, page_size),
	ROW(tb_config_info, task_size),
	ROW(tb_config_info, mmap_min_addr),
	ROW(tb_config_info, mmap_base),
	ROW(tb_config_info, flavour),
	ROW(tb_config_info, caps),

	ROW_STRUCT(tb_op_counts),
	ROW(tb_op_counts, ops),
	ROW(tb_op_counts, mmap_sem_writes),
	ROW(tb_op_counts, mm_rb_lock_writes),
	ROW(tb_op_counts, page_table_lock_writes),
	ROW(tb_op_counts, ptl_writes),
	ROW(tb_op_counts, testbed_writes),
	ROW(tb_op_counts, vma_rmw),
	ROW(tb_op_counts, other_lock_writes),
	ROW(tb_op_counts, seq_writes),
	ROW(tb_op_counts, mmap_sem_read_waits),
	ROW(tb_op_counts, mmap_sem_read_waits_writer),
	ROW(tb_op_counts, mmap_sem_write_waits),
	ROW(tb_op_counts, mm_rb_lock_read_waits),
	ROW(tb_op_counts, mm_rb_lock_write_waits),
	ROW(tb_op_counts, ptl_waits),
	ROW(tb_op_counts, mmap_sem_write_steps),
	ROW(tb_op_counts, mm_rb_lock_write_steps),

	ROW_STRUCT(tb_abi_field),
	ROW(tb_abi_field, type_name),
	ROW(tb_abi_field, field_name),
	ROW(tb_abi_field, offset),
	ROW(tb_abi_field, size),
};

/*
 * Returns the number of rows; the first min(cap, rows) are written.  buf
 * may be NULL when cap is 0.
 */
TB_API int tb_abi_layout(struct tb_abi_field *buf, int cap)
{
	int n = (int)ARRAY_SIZE(abi_rows), i;

	if (cap < 0 || (!buf && cap > 0))
		return -EINVAL;
	for (i = 0; i < n && i < cap; i++)
		buf[i] = abi_rows[i];
	return n;
}
