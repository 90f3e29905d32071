// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/vmstat.c - the fault statistics, kept as the kernel keeps its vm
 * events (count_vm_event, all_vm_events): each CPU counts in its own
 * block, and a reader sums the blocks.  The model's "CPU" is the thread:
 * a thread's first fault in an mm (per API call: current->vm_events is
 * cleared on entry) finds its block in the mm's list, or appends one.
 * Blocks are written only by their thread and freed with the mm; a
 * thread that exits leaves its block to the next thread that gets the
 * same task_struct address, as a CPU's counters outlive its tasks.
 */
#include "mm/internal.h"

/* The first fault of this call: find this thread's block, or append one. */
struct mm_fault_events *this_thread_fault_events_slow(struct mm_struct *mm)
{
	struct mm_fault_events_block *b;

	for (b = __atomic_load_n(&mm->fault_events, __ATOMIC_ACQUIRE); b;
	     b = b->next)
		if (b->owner == current)
			break;
	if (!b) {
		b = aligned_alloc(__alignof__(*b), sizeof(*b));
		if (!b)
			abort();	/* host out of memory: not a model state */
		memset(b, 0, sizeof(*b));
		b->owner = current;
		b->next = __atomic_load_n(&mm->fault_events, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&mm->fault_events, &b->next,
						    b, false, __ATOMIC_RELEASE,
						    __ATOMIC_RELAXED))
			;
	}
	current->vm_events = b;
	return &b->ev;
}

/* all_vm_events: exact once no fault is in flight. */
void sum_fault_events(struct mm_struct *mm, struct mm_fault_events *sum)
{
	const struct mm_fault_events_block *b;
	const u64 *from;
	u64 *to = (u64 *)sum;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	for (b = __atomic_load_n(&mm->fault_events, __ATOMIC_ACQUIRE); b;
	     b = b->next) {
		from = (const u64 *)&b->ev;
		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			to[i] += __atomic_load_n(&from[i], __ATOMIC_RELAXED);
	}
}

void fault_events_destroy(struct mm_struct *mm)
{
	struct mm_fault_events_block *b = mm->fault_events, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	mm->fault_events = NULL;
}
