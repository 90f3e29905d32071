// SPDX-License-Identifier: GPL-2.0-only
/*
 * api/api.c - the tb_* entry points of testbed.h over the mm model.
 *
 * Handles: a fixed table of slots under one global mutex; a handle is
 * (generation << 16 | slot), never a pointer, 0 is never valid.  Every
 * call looks its handle up under the mutex and pins the mm (mm_users,
 * mmget_not_zero); tb_mm_destroy kills the slot and drops the table's
 * reference; the last mmput tears the mm down (exit_mmap, the held
 * get_vma references, the open files) and frees it.  So any number of
 * threads may call while another destroys.
 *
 * Operations (the tb_op_kind calls, and each element of a batch) take
 * the mm's next op_seq; observation calls (snapshot, stats, validate,
 * violations, trace, events, inject, vma_ref_info) do not.
 */
#include <limits.h>
#include <stdio.h>
#include "api/api.h"
#include "kernel/count.h"
#include "kernel/lockdep.h"

/* tb_config_info.test_flags: set by a test-only config (native/configs.mk). */
#ifndef TB_CONFIG_TEST_FLAGS
#define TB_CONFIG_TEST_FLAGS 0
#endif

#define TB_MAX_MMS	4096

/* The merge-order flag changes mmap_region, which nommu does not have. */
#ifdef CONFIG_MMU
#define TB_MM_VALID_FLAGS	(TB_MM_MMAP_MERGE_NEXT_FIRST | \
				 TB_MM_MPROTECT_UNACCOUNT_UNFAULTED)
#else
#define TB_MM_VALID_FLAGS	0U
#endif
#define MM_SLOT_BITS	16

/*
 * Every entry point looks its handle up here, so lookups share the lock
 * (read) and only create/destroy exclude them: a mutex would serialise all
 * threads of a concurrent run before they reach the model's own locks.
 */
static pthread_rwlock_t mm_table_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct {
	struct mm_struct *mm;
	u32 generation;
} mm_table[TB_MAX_MMS];

/* ---- mm lifetime ------------------------------------------------------ */

/* The family's last mm is gone: its account goes with it. */
static bool family_put(struct tb_family *family)
{
	if (!atomic_dec_and_test(&family->users))
		return false;
	free(family);
	return true;
}

/* A new mm of family (NULL: a family of its own). */
static struct mm_struct *mm_alloc(struct tb_family *family)
{
	struct tb_process *proc = calloc(1, sizeof(*proc));
	struct mm_struct *mm;

	if (!proc)
		return NULL;
	if (!family) {
		family = calloc(1, sizeof(*family));
		if (!family) {
			free(proc);
			return NULL;
		}
		tb_kmem_account_init(&family->kmem);
	}
	atomic_inc(&family->users);
	atomic64_inc(&family->joins);
	proc->family = family;
	mm = &proc->mm;
	if (pt_init(mm)) {
		family_put(family);
		free(proc);
		return NULL;
	}
	mm->mm_rb = RB_ROOT;
#ifdef TB_MM_MT
	mm->mm_mt = tb_mt_alloc();
	if (!mm->mm_mt) {
		pt_destroy(mm);
		family_put(family);
		free(proc);
		return NULL;
	}
#endif
#ifdef TB_MM_RB_LOCK
	rwlock_init(&mm->mm_rb_lock);
#endif
	init_rwsem(&mm->mmap_sem);
	spin_lock_init(&mm->page_table_lock);
	spin_lock_init(&proc->files_lock);
	spin_lock_init(&proc->refs_lock);
	mm->mmap_base = TB_MMAP_BASE;
	mm->task_size = TASK_SIZE;
	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1);
	proc->nr_threads = 1;
	tb_vlog_init(&proc->vlog);
	tb_evlog_init(&proc->evlog);
	return mm;
}

static void mmdrop(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);

	if (!atomic_dec_and_test(&mm->mm_count))
		return;
	pt_destroy(mm);
	fault_events_destroy(mm);
#ifdef TB_MM_MT
	tb_mt_free(mm->mm_mt);	/* exit_mmap did, unless the mm had no VMA */
#endif
#ifdef TB_MM_RB_LOCK
	rwlock_destroy(&mm->mm_rb_lock);
#endif
	rwsem_destroy(&mm->mmap_sem);
	spin_lock_destroy(&mm->page_table_lock);
	spin_lock_destroy(&proc->files_lock);
	spin_lock_destroy(&proc->refs_lock);
	tb_vlog_destroy(&proc->vlog);
	tb_evlog_destroy(&proc->evlog);
	family_put(proc->family);
	free(proc);
}

/*
 * The last user is gone: exit_mmap, then the references callers still
 * hold, then the files (exit_mm before exit_files), all tagged TB_OP_EXIT
 * with the next op_seq.  Whatever is still live afterwards leaked.  The
 * mm's own log dies with it, so the teardown records into a log of its
 * own, which goes to the global log; the number of violations it
 * recorded is returned to whoever dropped the last reference.
 */
static int __mmput(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);
	struct task_struct saved = *current;
	struct tb_vlog exit_log;
	u64 recorded;
	int k;

	tb_vlog_init(&exit_log);
	tb_current_enter(mm, &exit_log, &proc->evlog, &proc->family->kmem, TB_OP_EXIT,
			 (u64)atomic64_inc_return(&proc->op_seq));
	exit_mmap(mm);
	tb_refs_release(mm);
	tb_files_release(mm);
	/* the leak check is the family's last mm's: the others share */
	for (k = TB_CACHE_VMA;
	     atomic_read(&proc->family->users) == 1 && k < CACHE_NR; k++) {
		s64 live = tb_kmem_live(&proc->family->kmem, k);

		WARN(live != 0, "mm exit: %lld objects of cache %d leaked",
		     (long long)live, k);
	}
	tb_current_enter(saved.mm, saved.vlog, saved.evlog, saved.kmem,
			 saved.op, saved.op_seq);
	recorded = tb_vlog_append_all(&tb_global_vlog, &exit_log);
	tb_vlog_destroy(&exit_log);
	mmdrop(mm);
	return recorded > INT_MAX ? INT_MAX : (int)recorded;
}

/* Returns the teardown's violation count when this put ran it, else 0. */
static int mmput(struct mm_struct *mm)
{
	if (atomic_dec_and_test(&mm->mm_users))
		return __mmput(mm);
	return 0;
}

/*
 * mmget_not_zero without the scheduling hook: it runs under the handle
 * table lock, where a controlled scheduler that parked the thread would
 * stall every create/destroy (and, behind a waiting writer, every lookup).
 * mm_lookup calls the hook for it after the unlock.
 */
static bool mmget_not_zero_unhooked(struct mm_struct *mm)
{
	int c = __atomic_load_n(&mm->mm_users.counter, __ATOMIC_RELAXED);

	do {
		if (c == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&mm->mm_users.counter, &c, c + 1,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return true;
}

static struct mm_struct *mm_lookup(tb_mm_t handle)
{
	u64 h = (u64)(uintptr_t)handle;
	u64 slot = h & ((1ULL << MM_SLOT_BITS) - 1);
	struct mm_struct *mm = NULL;

	if (!h || slot >= TB_MAX_MMS)
		return NULL;
	pthread_rwlock_rdlock(&mm_table_lock);
	if (mm_table[slot].mm && mm_table[slot].generation ==
	    (h >> MM_SLOT_BITS) && mmget_not_zero_unhooked(mm_table[slot].mm))
		mm = mm_table[slot].mm;
	pthread_rwlock_unlock(&mm_table_lock);
	/* the scheduling point of the increment, outside the table lock */
	if (mm)
		tb_sched(TB_SCHED_ATOMIC, &mm->mm_users);
	return mm;
}

/*
 * The perf flavour numbers no operations: op_seq only tags events and
 * violations, and its increment would be one more write to an mm-wide
 * line per operation.
 */
static u64 next_op_seq(struct mm_struct *mm)
{
#ifdef TB_PERF
	(void)mm;
	return 0;
#else
	return (u64)atomic64_inc_return(&tb_process_of(mm)->op_seq);
#endif
}

struct mm_struct *tb_api_enter(tb_mm_t handle, u32 op)
{
	struct mm_struct *mm = mm_lookup(handle);
	u64 seq;

	if (!mm)
		return NULL;
	if (op != TB_OP_NONE) {
		seq = next_op_seq(mm);
		tb_count_op(op);
	} else {
		seq = (u64)atomic64_read(&tb_process_of(mm)->op_seq);
	}
	tb_current_enter(mm, &tb_process_of(mm)->vlog, &tb_process_of(mm)->evlog, &tb_process_of(mm)->family->kmem, op, seq);
	return mm;
}

void tb_api_next_op(struct mm_struct *mm, u32 op)
{
	tb_current_set_op(op, next_op_seq(mm));
	tb_count_op(op);
}

/*
 * The classes of the counted costs (kernel/count.h).  The mm's kernel
 * locks are mm-wide lines, whoever takes them: mmap_sem, mm_rb_lock (the
 * SPF lookup and the RCU designs' walk alike) and page_table_lock.  The
 * rest of the mm and of its process (struct tb_process: op_seq, the
 * validate pins, the API call's mm_users pin, the slab account, the
 * logs, the file and reference tables) is the testbed's, and so is
 * whatever runs outside an operation (the handle lookup's pin).  Outside
 * the process, a lock is a split PTE lock or,
 * on MMU configs, a VMA's own (the per-VMA-lock design's vm_lock); an
 * atomic is a per-VMA or per-object line.
 */
static enum tb_line classify_line(const void *obj, bool is_lock)
{
	const struct mm_struct *mm = current->mm;
	const char *p = obj;

	if (!mm)
		return TB_LINE_TESTBED;
	if (obj == &mm->mmap_sem)
		return TB_LINE_MMAP_SEM;
#ifdef TB_MM_RB_LOCK
	if (obj == &mm->mm_rb_lock)
		return TB_LINE_MM_RB_LOCK;
#endif
	if (obj == &mm->page_table_lock)
		return TB_LINE_MM_PTL;
	/* the mm's other lines and its process's (struct tb_process) */
	if (p >= (const char *)tb_process_of(mm) &&
	    p < (const char *)(tb_process_of(mm) + 1))
		return TB_LINE_TESTBED;
	if (is_lock && pt_is_ptlock(mm, obj))
		return TB_LINE_PTL;
#ifdef CONFIG_MMU
	return TB_LINE_VMA;
#else
	return is_lock ? TB_LINE_OTHER : TB_LINE_VMA;
#endif
}

/* lockdep-lite knows what this thread holds (checked flavour only). */
static unsigned int held_writers(void)
{
#ifdef TB_PERF
	return 0;
#else
	struct mm_struct *mm = current->mm;
	unsigned int held = 0;

	if (!mm)
		return 0;
	if (lockdep_held_mode(&mm->mmap_sem.dep_map) == 0)
		held |= TB_HELD_MMAP_SEM_WRITE;
#ifdef TB_MM_RB_LOCK
	if (lockdep_held_mode(&mm->mm_rb_lock.dep_map) == 0)
		held |= TB_HELD_MM_RB_LOCK_WRITE;
#endif
	return held;
#endif
}

static void __attribute__((constructor)) tb_api_init_counts(void)
{
	tb_count_set_classifier(classify_line, held_writers);
}

void tb_api_leave(struct mm_struct *mm)
{
	tb_current_leave();
	mmput(mm);
}

/*
 * The body of an entry point: look the handle up and enter the mm as op
 * (-EBADF for a dead handle), evaluate call, which names the entered mm
 * "mm", and leave.  The checks of the arguments belong inside call, so
 * that no path returns without tb_api_leave.
 */
#define TB_API_CALL(handle, op, call)					\
({									\
	struct mm_struct *mm = tb_api_enter(handle, op);		\
	typeof(call) __ret = -EBADF;					\
									\
	if (mm) {							\
		__ret = (call);						\
		tb_api_leave(mm);					\
	}								\
	__ret;								\
})

/* The handle is dead: the threads go with the table's reference. */
static int mm_exit_group(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);
	int extra;

	spin_lock(&proc->files_lock);
	extra = (int)proc->nr_threads - 1;
	proc->nr_threads = 0;
	spin_unlock(&proc->files_lock);
	if (extra > 0)
		atomic_sub(extra, &mm->mm_users);
	return mmput(mm);
}

static int mm_publish(struct mm_struct *mm, tb_mm_t *out);

TB_API int tb_mm_create(uint32_t flags, tb_mm_t *out)
{
	struct mm_struct *mm;

	if (!out || (flags & ~TB_MM_VALID_FLAGS))
		return -EINVAL;
	mmap_init();
	mm = mm_alloc(NULL);
	if (!mm)
		return -ENOMEM;
	mm->mmap_merge_next_first = flags & TB_MM_MMAP_MERGE_NEXT_FIRST;
	mm->mprotect_unaccount_unfaulted =
		flags & TB_MM_MPROTECT_UNACCOUNT_UNFAULTED;
	return mm_publish(mm, out);
}

/* A handle for mm in the table; on failure mm is dropped. */
static int mm_publish(struct mm_struct *mm, tb_mm_t *out)
{
	int slot;

	pthread_rwlock_wrlock(&mm_table_lock);
	for (slot = 0; slot < TB_MAX_MMS; slot++)
		if (!mm_table[slot].mm)
			break;
	if (slot == TB_MAX_MMS) {
		pthread_rwlock_unlock(&mm_table_lock);
		mmdrop(mm);
		return -EMFILE;
	}
	mm_table[slot].generation++;
	if (mm_table[slot].generation >= (1U << 31))
		mm_table[slot].generation = 1;
	mm_table[slot].mm = mm;
	*out = (tb_mm_t)(uintptr_t)(((u64)mm_table[slot].generation <<
				     MM_SLOT_BITS) | (u64)slot);
	pthread_rwlock_unlock(&mm_table_lock);
	return 0;
}

TB_API int tb_mm_destroy(tb_mm_t handle)
{
	u64 h = (u64)(uintptr_t)handle;
	u64 slot = h & ((1ULL << MM_SLOT_BITS) - 1);
	struct mm_struct *mm = NULL;

	if (!h || slot >= TB_MAX_MMS)
		return -EBADF;
	pthread_rwlock_wrlock(&mm_table_lock);
	if (mm_table[slot].mm &&
	    mm_table[slot].generation == (h >> MM_SLOT_BITS)) {
		mm = mm_table[slot].mm;
		mm_table[slot].mm = NULL;
	}
	pthread_rwlock_unlock(&mm_table_lock);
	if (!mm)
		return -EBADF;
	return mm_exit_group(mm);
}

static int __tb_mm_set_threads(struct mm_struct *mm, uint32_t nr)
{
	int ret = 0;

	if (nr < 1 || nr > TB_MAX_THREADS)
		return -EINVAL;
	spin_lock(&tb_process_of(mm)->files_lock);
	if (!tb_process_of(mm)->nr_threads) {
		ret = -EBADF;	/* tb_mm_destroy got here first */
	} else {
		/* clone(CLONE_VM): mmget; a thread's exit: mmput (never the last) */
		while (tb_process_of(mm)->nr_threads < nr) {
			atomic_inc(&mm->mm_users);
			tb_process_of(mm)->nr_threads++;
		}
		while (tb_process_of(mm)->nr_threads > nr) {
			atomic_dec(&mm->mm_users);
			tb_process_of(mm)->nr_threads--;
		}
	}
	spin_unlock(&tb_process_of(mm)->files_lock);
	return ret;
}

TB_API int tb_mm_set_threads(tb_mm_t handle, uint32_t nr)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_mm_set_threads(mm, nr));
}

/* ---- operations ------------------------------------------------------- */

static long op_mmap(struct mm_struct *mm, u64 addr, u64 len, u32 prot,
		    u32 flags, int fd, u64 pgoff)
{
	return ksys_mmap_pgoff(mm, addr, len, prot, flags, fd, pgoff);
}

static int op_fault(struct mm_struct *mm, u64 addr, u32 flags)
{
	if (flags & ~(u32)(TB_FAULT_WRITE | TB_FAULT_EXEC |
			   TB_FAULT_NO_SPECULATIVE | TB_FAULT_KERNEL))
		return -EINVAL;
	return do_page_fault(mm, addr, flags);
}

static int op_mbind(struct mm_struct *mm, u64 addr, u64 len, u32 mode)
{
	if (mode > TB_MPOL_INTERLEAVE)
		return -EINVAL;
	return do_mbind(mm, addr, len, (unsigned short)mode);
}

/*
 * Faults, get_vma and put_vma in flight, so that validate knows when the
 * refcounts must be exact (api/refs.c).  The perf flavour validates
 * nothing concurrently and keeps these mm-wide writes off its hot path.
 *
 * In flight first, then started: validate reads them the other way
 * round (started, then in flight), so a pin it does not see in flight
 * either ended before it looked or moves started after it looked.  In
 * the opposite order, a put_vma preempted between the two increments
 * was counted started but not yet in flight: validate took that as its
 * baseline, saw no pin in flight, and the whole put (slot cleared, VMA
 * freed) then ran inside its window unnoticed ("live_vmas 8, map_count
 * 7 + 0 detached held").
 */
static void pin_begin(struct mm_struct *mm)
{
#ifdef TB_PERF
	(void)mm;
#else
	struct tb_process *proc = tb_process_of(mm);

	atomic_inc(&proc->pins_inflight);
	atomic64_inc(&proc->pins_started);
#endif
}

static void pin_end(struct mm_struct *mm)
{
#ifdef TB_PERF
	(void)mm;
#else
	atomic_dec(&tb_process_of(mm)->pins_inflight);
#endif
}

static int op_fault_pinned(struct mm_struct *mm, u64 addr, u32 flags)
{
	int ret;

	pin_begin(mm);
	ret = op_fault(mm, addr, flags);
	pin_end(mm);
	return ret;
}

TB_API int64_t tb_mmap(tb_mm_t handle, uint64_t addr, uint64_t len,
		       uint32_t prot, uint32_t flags, int fd, uint64_t pgoff)
{
	return TB_API_CALL(handle, TB_OP_MMAP,
			   op_mmap(mm, addr, len, prot, flags, fd, pgoff));
}

TB_API int tb_munmap(tb_mm_t handle, uint64_t addr, uint64_t len)
{
	return TB_API_CALL(handle, TB_OP_MUNMAP, vm_munmap(mm, addr, len));
}

TB_API int tb_mprotect(tb_mm_t handle, uint64_t addr, uint64_t len,
		       uint32_t prot)
{
	return TB_API_CALL(handle, TB_OP_MPROTECT,
			   do_mprotect_pkey(mm, addr, len, prot));
}

TB_API int tb_mbind(tb_mm_t handle, uint64_t addr, uint64_t len,
		    uint32_t mode)
{
	return TB_API_CALL(handle, TB_OP_MBIND, op_mbind(mm, addr, len, mode));
}

TB_API int tb_fault(tb_mm_t handle, uint64_t addr, uint32_t flags)
{
	return TB_API_CALL(handle, TB_OP_FAULT, op_fault_pinned(mm, addr, flags));
}

TB_API int tb_file_open(tb_mm_t handle, uint64_t size, uint32_t flags)
{
	return TB_API_CALL(handle, TB_OP_FILE_OPEN, tb_files_open(mm, size, flags));
}

TB_API int tb_file_close(tb_mm_t handle, int fd)
{
	return TB_API_CALL(handle, TB_OP_FILE_CLOSE, tb_files_close(mm, fd));
}

/* ---- fork ------------------------------------------------------------ */

#ifdef CONFIG_MMU
/*
 * fork without CLONE_VM (4.16 copy_process: dup_fd, then dup_mm): a new
 * mm of the parent's family and kernel rules, the parent's fd table
 * copied, then dup_mmap.  Everything the operation records (the lifecycle
 * events of the child's objects too) goes to the parent's logs: it is the
 * parent's operation; the child's logs start empty.  On failure the
 * half-built child is torn down (mmput) and nothing is published.
 */
static int __tb_fork(struct mm_struct *oldmm, tb_mm_t *out)
{
	struct mm_struct *mm;
	int err;

	if (!out)
		return -EINVAL;
	mm = mm_alloc(tb_process_of(oldmm)->family);
	if (!mm)
		return -ENOMEM;
	mm->mmap_merge_next_first = oldmm->mmap_merge_next_first;
	mm->mprotect_unaccount_unfaulted = oldmm->mprotect_unaccount_unfaulted;
	tb_files_dup(mm, oldmm);
	err = dup_mmap(mm, oldmm);
	if (err) {
		mmput(mm);
		return err;
	}
	return mm_publish(mm, out);
}

static int op_madvise(struct mm_struct *mm, u64 addr, u64 len, u32 advice)
{
	if (advice > INT_MAX)
		return -EINVAL;
	return do_madvise(mm, addr, len, (int)advice);
}
#else
/* nommu: no fork (4.16's nommu has no dup_mmap; vfork-style only) */
static int __tb_fork(struct mm_struct *oldmm, tb_mm_t *out)
{
	(void)oldmm;
	(void)out;
	return -ENOSYS;
}

static int op_madvise(struct mm_struct *mm, u64 addr, u64 len, u32 advice)
{
	(void)mm; (void)addr; (void)len; (void)advice;
	return -ENOSYS;
}
#endif

TB_API int tb_fork(tb_mm_t handle, tb_mm_t *child)
{
	return TB_API_CALL(handle, TB_OP_FORK, __tb_fork(mm, child));
}

TB_API int tb_madvise(tb_mm_t handle, uint64_t addr, uint64_t len,
		      uint32_t advice)
{
	return TB_API_CALL(handle, TB_OP_MADVISE,
			   op_madvise(mm, addr, len, advice));
}

/* One batch element: the eight address-space/file kinds, else -EINVAL. */
static s64 batch_one(struct mm_struct *mm, const struct tb_op *op)
{
	switch (op->kind) {
	case TB_OP_MMAP:
		return op_mmap(mm, op->addr, op->len, op->prot, op->flags,
			       op->fd, op->pgoff);
	case TB_OP_MUNMAP:
		return vm_munmap(mm, op->addr, op->len);
	case TB_OP_MPROTECT:
		return do_mprotect_pkey(mm, op->addr, op->len, op->prot);
	case TB_OP_MBIND:
		return op_mbind(mm, op->addr, op->len, op->flags);
	case TB_OP_FAULT:
		return op_fault_pinned(mm, op->addr, op->flags);
	case TB_OP_FILE_OPEN:
		return tb_files_open(mm, op->len, op->flags);
	case TB_OP_FILE_CLOSE:
		return tb_files_close(mm, op->fd);
	case TB_OP_MADVISE:
		return op_madvise(mm, op->addr, op->len, op->flags);
	default:
		return -EINVAL;
	}
}

static int __tb_batch(struct mm_struct *mm, struct tb_op *ops, int n)
{
	int i;

	if (n < 0 || (!ops && n > 0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		u32 kind = ops[i].kind;

		if ((kind < TB_OP_MMAP || kind > TB_OP_FILE_CLOSE) &&
		    kind != TB_OP_MADVISE)
			kind = TB_OP_NONE;
		tb_api_next_op(mm, kind);
		ops[i].result = batch_one(mm, &ops[i]);
	}
	return n;
}

TB_API int tb_batch(tb_mm_t handle, struct tb_op *ops, int n)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_batch(mm, ops, n));
}

/* ---- get_vma references ----------------------------------------------- */

static int __tb_get_vma(struct mm_struct *mm, u64 addr, u64 *ref,
			  struct tb_vma_info *info)
{
	int ret;

	if (!ref || !info)
		return -EINVAL;
	pin_begin(mm);
	ret = tb_refs_get(mm, addr, ref, info);
	pin_end(mm);
	return ret;
}

static int __tb_put_vma(struct mm_struct *mm, u64 ref)
{
	int ret;

	pin_begin(mm);
	ret = tb_refs_put(mm, ref);
	pin_end(mm);
	return ret;
}

TB_API int tb_get_vma(tb_mm_t handle, uint64_t addr, uint64_t *ref,
		      struct tb_vma_info *info)
{
	return TB_API_CALL(handle, TB_OP_GET_VMA,
			   __tb_get_vma(mm, addr, ref, info));
}

TB_API int tb_vma_ref_info(tb_mm_t handle, uint64_t ref,
			   struct tb_vma_info *info)
{
	return TB_API_CALL(handle, TB_OP_NONE,
			   info ? tb_refs_info(mm, ref, info) : -EINVAL);
}

TB_API int tb_put_vma(tb_mm_t handle, uint64_t ref)
{
	return TB_API_CALL(handle, TB_OP_PUT_VMA, __tb_put_vma(mm, ref));
}

/* ---- observation ------------------------------------------------------ */

/* An array to copy out to: buf may be NULL only when cap is 0. */
static bool out_buf_valid(const void *buf, int cap)
{
	return cap >= 0 && (buf || cap == 0);
}

/*
 * The layout in address order under mmap_sem (read); returns the number
 * of VMAs, of which the first min(cap, number) are written.  buf may be
 * NULL when cap is 0 (a size query).
 */
static int __tb_snapshot(struct mm_struct *mm, struct tb_vma_info *buf,
			 int cap)
{
	struct vm_area_struct *vma;
	int n = 0;

	if (!out_buf_valid(buf, cap))
		return -EINVAL;
	down_read(&mm->mmap_sem);
	for (vma = mm->mmap; vma; vma = vma->vm_next, n++)
		if (n < cap)
			tb_fill_vma_info(mm, vma, &buf[n]);
	up_read(&mm->mmap_sem);
	return n;
}

TB_API int tb_snapshot(tb_mm_t handle, struct tb_vma_info *buf, int cap)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_snapshot(mm, buf, cap));
}

static int __tb_stats(struct mm_struct *mm, struct tb_stats *out)
{
	struct mm_fault_events ev;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->live_vmas = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_VMA);
	out->live_files = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_FILE);
	out->live_mempolicies = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_MEMPOLICY);
	out->live_anon_vmas = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_ANON_VMA);
	out->live_regions = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_REGION);
	down_read(&mm->mmap_sem);
	out->map_count = mm->map_count;
	up_read(&mm->mmap_sem);
	out->populated_pages = pt_nr_pages(mm);
	out->allocations = tb_kmem_allocations(&tb_process_of(mm)->family->kmem);
	out->injected_failures = tb_kmem_injected_failures(&tb_process_of(mm)->family->kmem);
	sum_fault_events(mm, &ev);
	out->faults = ev.faults;
	out->spf_attempts = ev.spf_attempts;
	out->spf_success = ev.spf_success;
	/* one field per reason: a new reason needs its field here */
	BUILD_BUG_ON(SPF_ABORT_NR != 9);
	out->spf_abort_no_vma = ev.spf_abort[SPF_ABORT_NO_VMA];
	out->spf_abort_seq_odd = ev.spf_abort[SPF_ABORT_SEQ_ODD];
	out->spf_abort_seq_changed = ev.spf_abort[SPF_ABORT_SEQ_CHANGED];
	out->spf_abort_detached = ev.spf_abort[SPF_ABORT_DETACHED];
	out->spf_abort_access = ev.spf_abort[SPF_ABORT_ACCESS];
	out->spf_abort_not_anon = ev.spf_abort[SPF_ABORT_NOT_ANON];
	out->spf_abort_no_anon_vma = ev.spf_abort[SPF_ABORT_NO_ANON_VMA];
	out->spf_abort_mpol = ev.spf_abort[SPF_ABORT_MPOL];
	out->spf_abort_ptl_busy = ev.spf_abort[SPF_ABORT_PTL_BUSY];
	out->classic_faults = ev.classic_faults;
	out->fallbacks = ev.fallbacks;
	out->spf_vma_reused = ev.spf_vma_reused;
	out->segv = ev.segv;
	out->violations = tb_vlog_count(&tb_process_of(mm)->vlog);
	out->events_lost = tb_evlog_lost(&tb_process_of(mm)->evlog);
	return 0;
}

TB_API int tb_stats(tb_mm_t handle, struct tb_stats *out)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_stats(mm, out));
}

static int __tb_validate(struct mm_struct *mm)
{
	int bugs;

	down_read(&mm->mmap_sem);
	bugs = validate_mm(mm);
	bugs += tb_refs_validate(mm);
	up_read(&mm->mmap_sem);
	return bugs;
}

TB_API int tb_validate(tb_mm_t handle)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_validate(mm));
}

/* Copies up to cap recorded violations, oldest first; returns how many. */
TB_API int tb_violations(tb_mm_t handle, struct tb_violation *buf, int cap)
{
	return TB_API_CALL(handle, TB_OP_NONE, !out_buf_valid(buf, cap) ? -EINVAL :
			   tb_vlog_copy(&tb_process_of(mm)->vlog,
					(struct vlog_entry *)buf, cap));
}

static int __tb_trace(struct mm_struct *mm, int enable)
{
	if (enable < TB_TRACE_OFF || enable > TB_TRACE_ORDER)
		return -EINVAL;
#ifdef TB_PERF
	/* no event log in the perf flavour */
	if (enable)
		return -EOPNOTSUPP;
#endif
	tb_evlog_set_mode(&tb_process_of(mm)->evlog, enable);
	return 0;
}

TB_API int tb_trace(tb_mm_t handle, int enable)
{
	return TB_API_CALL(handle, TB_OP_NONE, __tb_trace(mm, enable));
}

/* Moves up to cap events, oldest first; returns how many. */
TB_API int tb_events(tb_mm_t handle, struct tb_event *buf, int cap)
{
	return TB_API_CALL(handle, TB_OP_NONE, !out_buf_valid(buf, cap) ? -EINVAL :
			   tb_evlog_drain(&tb_process_of(mm)->evlog,
					  (struct evlog_entry *)buf, cap));
}

static int __tb_inject_alloc_failure(struct mm_struct *mm, u32 cache,
				     u64 nth)
{
	if (cache > TB_CACHE_REGION)
		return -EINVAL;
	tb_kmem_inject(&tb_process_of(mm)->family->kmem, cache, nth);
	return 0;
}

TB_API int tb_inject_alloc_failure(tb_mm_t handle, uint32_t cache,
				   uint64_t nth)
{
	return TB_API_CALL(handle, TB_OP_NONE,
			   __tb_inject_alloc_failure(mm, cache, nth));
}

/* ---- library ---------------------------------------------------------- */

TB_API int tb_get_config(struct tb_config_info *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", TB_CONFIG_NAME);
	out->abi_version = TB_ABI_VERSION;
	/*
	 * A test-only config's patch (native/configs.mk, TB_PATCHES_*) comes
	 * with the bits of the managed port's matching test-only switch.
	 */
	out->test_flags = TB_CONFIG_TEST_FLAGS;
#ifdef CONFIG_MMU
	out->mmu = 1;
#else
	out->shared_free = TB_NOMMU_SHARED_FREE;
#endif
#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
	out->spf = 1;
#endif
	/* The conditions that build refs.c's get_vma and the lockless faults. */
#ifdef TB_VMA_REFCOUNT
	out->caps |= TB_CAP_GET_VMA;
#endif
#if defined(CONFIG_SPECULATIVE_PAGE_FAULT) || defined(CONFIG_PER_VMA_LOCK)
	out->caps |= TB_CAP_LOCKLESS_FAULTS;
#endif
	out->sanitizers = TB_SANITIZERS;
	out->page_size = PAGE_SIZE;
	out->task_size = TASK_SIZE;
	out->mmap_min_addr = TB_MMAP_MIN_ADDR;
	out->mmap_base = TB_MMAP_BASE;
#ifdef TB_PERF
	out->flavour = TB_FLAVOUR_PERF;
#else
	out->flavour = TB_FLAVOUR_CHECKED;
#endif
	return 0;
}

/*
 * Test-only: takes one more reference on the open file fd that nothing
 * ever drops, so the mm's teardown finds the file live and records a
 * leak (a teardown violation on purpose, for the tests that check such
 * violations reach the caller).
 */
TB_API int tb_debug_leak_file(tb_mm_t handle, int fd)
{
	return TB_API_CALL(handle, TB_OP_NONE, fget(fd) ? 0 : -EBADF);
}
