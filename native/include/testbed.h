/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testbed.h - public C API of the VMA model.
 *
 * This is the only header the interop layer sees: the C# bindings in
 * interop/Generated are produced from it by the libclang generator, and a
 * test fails if they drift.  Keep it plain C: enums for constants (the
 * generator reads enums, not macros), fixed-size structs, no bitfields.
 *
 * Every entry point returns a kernel-style negative errno on bad input
 * (bad handle, unaligned or overflowing range, zero length, unknown flags,
 * address above TASK_SIZE) and leaves the state as it was.
 */
#ifndef TESTBED_H
#define TESTBED_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TB_API __attribute__((visibility("default")))

/*
 * An mm handle is an opaque cookie (slot and generation), never a pointer:
 * a stale or forged handle is rejected with -EBADF instead of being
 * dereferenced.
 */
typedef struct tb_mm *tb_mm_t;

enum tb_abi {
	TB_ABI_VERSION = 1,
	TB_PAGE_SHIFT = 12,
	TB_PAGE_SIZE = 4096,
	TB_MAX_FILES = 64,	/* per-mm file table slots */
	TB_MAX_VMA_REFS = 256,	/* per-mm get_vma references held at once */
	TB_NAME_LEN = 16,
	TB_MSG_LEN = 128,
	TB_SITE_LEN = 64,
	TB_MAX_THREADS = 4096,	/* tb_mm_set_threads upper bound */
};

/* mmap/mprotect protections: the Linux PROT_* values. */
enum tb_prot {
	TB_PROT_NONE = 0x0,
	TB_PROT_READ = 0x1,
	TB_PROT_WRITE = 0x2,
	TB_PROT_EXEC = 0x4,
};

/* mmap flags: the Linux MAP_* values; any other bit is -EINVAL. */
enum tb_map_flags {
	TB_MAP_SHARED = 0x01,
	TB_MAP_PRIVATE = 0x02,
	TB_MAP_FIXED = 0x10,
	TB_MAP_ANONYMOUS = 0x20,
	/*
	 * VM_GROWSDOWN: a fault below the mapping expands it (expand_stack)
	 * while the guard gap to an accessible neighbour below stays
	 * clear.  MMU configs only (nommu: -EINVAL); not with a shared
	 * anonymous mapping (-EINVAL, as 4.16's do_mmap).
	 */
	TB_MAP_GROWSDOWN = 0x0100,
};

/* vm_flags as reported in tb_vma_info: the kernel's VM_* values. */
enum tb_vm_flags {
	TB_VM_READ = 0x00000001,
	TB_VM_WRITE = 0x00000002,
	TB_VM_EXEC = 0x00000004,
	TB_VM_SHARED = 0x00000008,
	TB_VM_MAYREAD = 0x00000010,
	TB_VM_MAYWRITE = 0x00000020,
	TB_VM_MAYEXEC = 0x00000040,
	TB_VM_MAYSHARE = 0x00000080,
	TB_VM_GROWSDOWN = 0x00000100,
	TB_VM_DONTCOPY = 0x00020000,	/* fork skips it (MADV_DONTFORK) */
	TB_VM_ACCOUNT = 0x00100000,
	TB_VM_WIPEONFORK = 0x02000000,	/* the child's is empty (MADV_WIPEONFORK) */
};

/* tb_madvise advice: the Linux MADV_* values of the four fork behaviours. */
enum tb_madvise_advice {
	TB_MADV_DONTFORK = 10,
	TB_MADV_DOFORK = 11,
	TB_MADV_WIPEONFORK = 18,	/* private anonymous VMAs only */
	TB_MADV_KEEPONFORK = 19,
};

/* Memory policy modes for tb_mbind: the Linux MPOL_* values. */
enum tb_mpol_mode {
	TB_MPOL_DEFAULT = 0,
	TB_MPOL_PREFERRED = 1,
	TB_MPOL_BIND = 2,
	TB_MPOL_INTERLEAVE = 3,
};

/*
 * tb_mm_create flags: which kernel's rules an mm follows where 4.16 and a
 * later kernel differ.  Only mmu configs have them (nommu: -EINVAL).
 */
enum tb_mm_flags {
	/*
	 * mmap_region merges as 6.1's does (vma_expand): next is tried
	 * first, prev then joins only if it can share next's anon_vma.
	 */
	TB_MM_MMAP_MERGE_NEXT_FIRST = 0x1,
	/*
	 * mprotect_fixup as 6.12's: a private anonymous VMA that has no
	 * anon_vma yet (never written) loses VM_ACCOUNT when it is made
	 * read-only, so it can merge with a read-only neighbour (4.16 keeps
	 * the charge and the VMAs apart).
	 */
	TB_MM_MPROTECT_UNACCOUNT_UNFAULTED = 0x2,
};

/* tb_file_open flags: the nommu mmap capabilities of the backing file. */
enum tb_file_flags {
	TB_FILE_MAP_DIRECT = 0x1,	/* NOMMU_MAP_DIRECT: shared in place */
	TB_FILE_MAP_COPY = 0x2,		/* NOMMU_MAP_COPY: private copies */
};

/* tb_fault flags. */
enum tb_fault_flags {
	TB_FAULT_READ = 0x0,		/* no flag: a read access */
	TB_FAULT_WRITE = 0x1,
	TB_FAULT_EXEC = 0x2,
	TB_FAULT_NO_SPECULATIVE = 0x4,	/* go straight to the mmap_sem path */
	TB_FAULT_KERNEL = 0x8,		/* kernel-mode access (!FAULT_FLAG_USER):
					   never speculative */
};

/*
 * Non-negative tb_fault results; a SIGSEGV is -EFAULT (no VMA, or a stack
 * that may not expand to the address) or -EACCES.
 */
enum tb_fault_result {
	TB_FAULT_DONE_SPECULATIVE = 0,
	TB_FAULT_DONE_CLASSIC = 1,
};

/* Operation kinds, for tb_batch and for tagging lifecycle events. */
enum tb_op_kind {
	TB_OP_NONE = 0,
	TB_OP_MMAP = 1,
	TB_OP_MUNMAP = 2,
	TB_OP_MPROTECT = 3,
	TB_OP_MBIND = 4,
	TB_OP_FAULT = 5,
	TB_OP_FILE_OPEN = 6,
	TB_OP_FILE_CLOSE = 7,
	TB_OP_GET_VMA = 8,
	TB_OP_PUT_VMA = 9,
	TB_OP_EXIT = 10,
	TB_OP_FORK = 11,
	TB_OP_MADVISE = 12,
};

/* Object caches, for accounting and allocation-failure injection. */
enum tb_cache {
	TB_CACHE_ANY = 0,
	TB_CACHE_VMA = 1,
	TB_CACHE_FILE = 2,
	TB_CACHE_MEMPOLICY = 3,
	TB_CACHE_ANON_VMA = 4,
	TB_CACHE_REGION = 5,
};

/* Lifecycle events; object ids are stable per mm (allocation order). */
enum tb_event_type {
	TB_EV_VMA_ALLOC = 1,
	TB_EV_VMA_FREE = 2,
	TB_EV_FILE_ALLOC = 3,
	TB_EV_FILE_GET = 4,
	TB_EV_FILE_PUT = 5,
	TB_EV_FILE_FREE = 6,
	TB_EV_MPOL_ALLOC = 7,
	TB_EV_MPOL_GET = 8,
	TB_EV_MPOL_PUT = 9,
	TB_EV_MPOL_FREE = 10,
	TB_EV_REGION_ALLOC = 11,
	TB_EV_REGION_GET = 12,
	TB_EV_REGION_PUT = 13,
	TB_EV_REGION_FREE = 14,
	TB_EV_ANON_VMA_ALLOC = 15,
	TB_EV_ANON_VMA_FREE = 16,
	/*
	 * Order events, recorded only under tb_trace(mm, TB_TRACE_ORDER) and
	 * only inside an operation (not in lookups or observation calls):
	 * where a VMA's write section opens and closes (vm_write_begin/end,
	 * on every MMU config: the seqcount on SPF, vma_start_write on
	 * mmu-pvl, nothing else elsewhere; object = VMA, value = vm_sequence
	 * after), where a VMA joins or leaves an anon_vma (object = anon_vma,
	 * value = the VMAs linked after), and where a ranked lock is taken or
	 * released (object = its lock class, tb_lock_class; value = 1 for
	 * shared, 0 for exclusive).  A port that does the same things in
	 * another order differs here while its lifecycle events agree.
	 */
	TB_EV_VMA_WRITE_BEGIN = 17,
	TB_EV_VMA_WRITE_END = 18,
	TB_EV_ANON_VMA_LINK = 19,
	TB_EV_ANON_VMA_UNLINK = 20,
	TB_EV_LOCK_ACQUIRE = 21,
	TB_EV_LOCK_RELEASE = 22,
};

/* tb_trace's modes. */
enum tb_trace_mode {
	TB_TRACE_OFF = 0,
	TB_TRACE_LIFECYCLE = 1,		/* the lifecycle events */
	TB_TRACE_ORDER = 2,		/* those and the order events */
};

/*
 * The lock classes of TB_EV_LOCK_*, in the order they nest: lockdep-lite's
 * ranks (kernel/lockdep.h); its unranked and leaf locks are not traced.
 */
enum tb_lock_class {
	TB_LOCK_MMAP_SEM = 10,
	TB_LOCK_NOMMU_REGION_SEM = 15,
	TB_LOCK_MM_RB_LOCK = 20,
	TB_LOCK_VMA_LOCK = 25,
	TB_LOCK_PAGE_TABLE_LOCK = 30,
};

/* Points where the shims call the scheduling hook. */
enum tb_sched_point {
	TB_SCHED_LOCK = 1,		/* before acquiring any lock */
	TB_SCHED_UNLOCK = 2,		/* after releasing any lock */
	TB_SCHED_ATOMIC = 3,		/* before a protocol atomic RMW */
	TB_SCHED_SEQ_BEGIN = 4,		/* write_seqcount_begin */
	TB_SCHED_SEQ_END = 5,		/* write_seqcount_end */
	TB_SCHED_SEQ_READ = 6,		/* raw_read_seqcount / retry */
	/*
	 * While a controlled hook is installed (tb_set_sched_hook_controlled)
	 * no shim blocks: a lock that is taken is retried, with this point
	 * (obj = the lock) between tries, so a controlled scheduler can run
	 * another thread until it is free.
	 */
	TB_SCHED_BLOCKED = 7,
	TB_SCHED_RCU_SYNC = 8,		/* synchronize_rcu, before it waits */
	/*
	 * Where another CPU's work may land although no primitive is called
	 * (obj = what the window is about): a speculative fault between its
	 * unlocked reads of the VMA and their re-check (obj = the VMA), and
	 * zap_pte_range's TLB flush under a page-table lock, which waits for
	 * every CPU of the mm to answer its IPI (obj = the lock).
	 */
	TB_SCHED_PREEMPT = 9,
	/*
	 * A controlled hook's blocked wait on an rw_semaphore, reported
	 * instead of TB_SCHED_BLOCKED, so a scheduler knows what the 4.16
	 * rwsem does: a down_read queued in the wait list (it sleeps in
	 * rwsem_down_read_failed until a waker grants it the lock) and a
	 * down_write queued there (it sleeps until woken, then competes),
	 * both with obj = the sleeper's own wait (woken only by
	 * TB_SCHED_WAKE on it); and a down_write spinning on a writer owner
	 * (rwsem_optimistic_spin, obj = the semaphore: it retries at the
	 * semaphore's TB_SCHED_UNLOCK).  spinlock_t and rwlock_t keep
	 * TB_SCHED_BLOCKED: they never sleep.
	 */
	TB_SCHED_SEM_WAIT_READ = 10,
	TB_SCHED_SEM_WAIT_WRITE = 11,
	TB_SCHED_SEM_WAIT_WRITE_ON_WRITER = 12,
	/*
	 * A controlled hook's wake-up of one sleeper (obj = what it sleeps
	 * on): the rw_semaphore's waker, after its release, wakes the
	 * waiters 4.16's __rwsem_mark_wake picked, one point each, in
	 * wake_up_q's order.  A thread blocked on obj may run again; a
	 * cost, not a write.
	 */
	TB_SCHED_WAKE = 13,
};

/* Why a speculative fault gave up and fell back to the classic path. */
enum tb_spf_abort {
	TB_SPF_ABORT_NO_VMA = 0,	/* get_vma found nothing covering addr */
	TB_SPF_ABORT_SEQ_ODD = 1,	/* vm_sequence odd: VMA being changed */
	TB_SPF_ABORT_SEQ_CHANGED = 2,	/* vm_sequence moved before install */
	TB_SPF_ABORT_DETACHED = 3,	/* vm_rb empty: VMA left the tree */
	TB_SPF_ABORT_ACCESS = 4,	/* rights do not allow it: let mmap_sem decide */
	TB_SPF_ABORT_NOT_ANON = 5,	/* vm_ops (file or shmem): not speculative */
	TB_SPF_ABORT_NO_ANON_VMA = 6,	/* anon_vma not yet set: needs mmap_sem */
	TB_SPF_ABORT_MPOL = 7,		/* MPOL_INTERLEAVE policy */
	TB_SPF_ABORT_PTL_BUSY = 8,	/* page_table_lock trylock failed */
	TB_SPF_ABORT_NR = 9,
};

/* A VMA as seen by a snapshot or through a get_vma reference. */
struct tb_vma_info {
	uint64_t id;		/* stable object id of the vm_area_struct */
	uint64_t vm_start;
	uint64_t vm_end;
	uint64_t vm_pgoff;
	uint64_t vm_flags;	/* TB_VM_* */
	uint64_t file_id;	/* object id of vm_file, 0 for anonymous */
	uint64_t region_id;	/* nommu vm_region object id, 0 otherwise */
	uint32_t policy;	/* tb_mpol_mode of vm_policy, 0 = none */
	int32_t ref_count;	/* vm_ref_count (1 = only the tree's) */
	uint32_t populated;	/* pages populated by this VMA */
	uint32_t has_anon_vma;
	uint32_t in_tree;	/* !RB_EMPTY_NODE(&vm_rb) */
	uint32_t sequence;	/* vm_sequence */
	uint32_t cow_pages;	/* pages fork write-protected (copy-on-write) */
	uint32_t anon_chain;	/* anon_vmas linked: its own + its ancestors' */
};

struct tb_stats {
	/* objects allocated by this mm and not yet freed */
	uint64_t live_vmas;
	uint64_t live_files;
	uint64_t live_mempolicies;
	uint64_t live_anon_vmas;
	uint64_t live_regions;
	uint64_t map_count;
	uint64_t populated_pages;
	uint64_t allocations;		/* kmem_cache_alloc calls, all caches */
	uint64_t injected_failures;
	/* faults */
	uint64_t faults;
	uint64_t spf_attempts;
	uint64_t spf_success;
	uint64_t spf_abort_no_vma;
	uint64_t spf_abort_seq_odd;
	uint64_t spf_abort_seq_changed;
	uint64_t spf_abort_detached;
	uint64_t spf_abort_access;
	uint64_t spf_abort_not_anon;
	uint64_t spf_abort_no_anon_vma;
	uint64_t spf_abort_mpol;
	uint64_t spf_abort_ptl_busy;
	uint64_t classic_faults;	/* handled under mmap_sem read */
	uint64_t fallbacks;		/* speculative aborted, then classic */
	uint64_t spf_vma_reused;	/* fallbacks that reused the speculative
					 * VMA, no find_vma (mmu-spf-v9) */
	uint64_t segv;			/* faults answered -EFAULT or -EACCES */
	uint64_t violations;
	uint64_t events_lost;
};

/* A recorded WARN/BUG or failed check. */
struct tb_violation {
	uint64_t seq;
	uint64_t op_seq;		/* operation during which it fired */
	uint32_t line;
	uint32_t op;			/* tb_op_kind */
	char site[TB_SITE_LEN];		/* function name */
	char message[TB_MSG_LEN];
};

struct tb_event {
	uint64_t seq;			/* per-mm event number */
	uint64_t op_seq;		/* per-mm operation number */
	uint64_t object_id;
	int64_t value;			/* refcount after the event, or 0 */
	uint32_t type;			/* tb_event_type */
	uint32_t op;			/* tb_op_kind that caused it */
};

/* One operation of a batch; result is written back (>= 0 or -errno). */
struct tb_op {
	uint32_t kind;		/* tb_op_kind */
	uint32_t prot;		/* mmap, mprotect: tb_prot */
	uint32_t flags;		/* mmap: tb_map_flags; fault: tb_fault_flags;
				   mbind: tb_mpol_mode; file_open: tb_file_flags */
	int32_t fd;		/* mmap, file_close */
	uint64_t addr;
	uint64_t len;		/* file_open: size in bytes */
	uint64_t pgoff;
	int64_t result;
};

/* Build flavours, reported in tb_config_info.flavour. */
enum tb_flavour {
	TB_FLAVOUR_CHECKED = 0,	/* lockdep-lite, sched hook, poison, events, counts */
	TB_FLAVOUR_PERF = 1,	/* checking compiled out; WARN/BUG only counted */
};

/*
 * Counted costs of the operations of one kind (tb_counts), summed over
 * every thread of the process since the last tb_counts_reset.  Checked
 * flavour only.  A lock acquire and a release each count one line write
 * (the kernel's rwsem, rwlock and spinlock acquires are atomic RMWs; its
 * releases are RMWs too, except spin_unlock, a release store that still
 * takes the line exclusive).  Atomic RMWs are counted where the kernel
 * would do them.  The mm-wide lines, which every thread of the mm writes
 * whoever takes them, are mmap_sem, mm_rb_lock and page_table_lock; a
 * split PTE lock is shared only by the faults on its page-table page.
 * The testbed's own bookkeeping (op_seq, pins, the API call's mm_users
 * pin, slab accounting, logs, file and reference tables) is counted
 * apart: the kernel has none of it.  The fault statistics are per thread
 * (as the kernel's per-CPU vm events) and write no shared line.
 */
struct tb_op_counts {
	uint64_t ops;			/* operations of this kind */
	uint64_t mmap_sem_writes;	/* mmap_sem acquires + releases */
	uint64_t mm_rb_lock_writes;	/* mm_rb_lock acquires + releases */
	uint64_t page_table_lock_writes;	/* mm->page_table_lock (anon_vma
					   install, page-table page allocation) */
	uint64_t ptl_writes;		/* split PTE locks (per page-table page) */
	uint64_t testbed_writes;	/* the testbed's bookkeeping (see above) */
	uint64_t vma_rmw;		/* per-VMA/per-object writes: vm_ref_count,
					   a VMA's own lock (vm_lock), anon_vma
					   degree, file/mempolicy refs */
	uint64_t other_lock_writes;	/* other locks (nommu regions) */
	uint64_t seq_writes;		/* vm_sequence write begin + end */
	uint64_t mmap_sem_read_waits;	/* down_read that had to wait ... */
	uint64_t mmap_sem_read_waits_writer;	/* ... while a writer held it */
	uint64_t mmap_sem_write_waits;
	uint64_t mm_rb_lock_read_waits;	/* read_lock behind a writer */
	uint64_t mm_rb_lock_write_waits;
	uint64_t ptl_waits;		/* page_table_lock or a PTE lock */
	/*
	 * The length of the writer sections, in scheduling points (lock
	 * operations, atomic RMWs, seqcount writes) run while this thread
	 * held mmap_sem for write (every classic fault waits for them) or
	 * mm_rb_lock for write (what a speculative fault's get_vma waits for).
	 */
	uint64_t mmap_sem_write_steps;
	uint64_t mm_rb_lock_write_steps;
};

/*
 * What a config's library can do, reported in tb_config_info.caps, so a
 * caller asks the library instead of knowing configs by name: spf alone
 * does not say whether get_vma works (mmu-spf-rcu has SPF but no
 * vm_ref_count).
 */
enum tb_cap_flags {
	/*
	 * tb_get_vma, tb_vma_ref_info and tb_put_vma take and drop references
	 * (vm_ref_count: SPF without RCU).  Elsewhere, including the RCU
	 * designs mmu-spf-rcu and mmu-pvl, where a VMA is kept alive by a
	 * read-side section rather than a count, they return -EOPNOTSUPP.
	 */
	TB_CAP_GET_VMA = 0x1,
	/*
	 * A fault may complete without mmap_sem (SPF, per-VMA locks), so the
	 * speculative counters of tb_stats can move.
	 */
	TB_CAP_LOCKLESS_FAULTS = 0x2,
};

struct tb_config_info {
	char name[TB_NAME_LEN];	/* "mmu-spf", "mmu", "nommu", "nommu-orig" */
	uint32_t abi_version;
	uint32_t mmu;		/* CONFIG_MMU */
	uint32_t spf;		/* CONFIG_SPECULATIVE_PAGE_FAULT */
	uint32_t shared_free;	/* nommu uses the generalized __free_vma */
	uint32_t test_flags;	/* test-only compile flags, 0 in real builds */
	uint32_t sanitizers;	/* 1 = ASan+UBSan, 2 = TSan */
	uint64_t page_size;
	uint64_t task_size;
	uint64_t mmap_min_addr;
	uint64_t mmap_base;	/* top of the top-down unmapped-area search */
	uint32_t flavour;	/* tb_flavour */
	uint32_t caps;		/* tb_cap_flags */
};

/* One row of the layout table: a field, or the whole struct when field is "". */
struct tb_abi_field {
	const char *type_name;
	const char *field_name;
	uint64_t offset;
	uint64_t size;
};

typedef void (*tb_sched_hook_fn)(int point, const void *obj, void *ctx);

/*
 * Library.  In the perf flavour tb_set_sched_hook with a hook and
 * tb_trace(mm, mode) with a mode other than TB_TRACE_OFF return
 * -EOPNOTSUPP (nothing calls a hook or records events there),
 * tb_kmem_check finds nothing (no quarantine), and a WARN/BUG is recorded
 * with its site but without its message.
 */
TB_API int tb_get_config(struct tb_config_info *out);
TB_API int tb_abi_layout(struct tb_abi_field *buf, int cap);
TB_API int tb_set_sched_hook(tb_sched_hook_fn fn, void *ctx);
TB_API int tb_set_sched_hook_controlled(tb_sched_hook_fn fn, void *ctx);
TB_API int tb_global_violations(struct tb_violation *buf, int cap);
TB_API int tb_kmem_check(void);

/* mm lifetime */
TB_API int tb_mm_create(uint32_t flags, tb_mm_t *out);
/*
 * Kills the handle and drops the mm's threads (exit_group).  Returns the
 * number of violations the teardown recorded (0: clean) when this call
 * ran it; when a call still in flight on another thread runs it later,
 * this returns 0.  Teardown violations always go to tb_global_violations
 * too, tagged TB_OP_EXIT.
 */
TB_API int tb_mm_destroy(tb_mm_t mm);
/*
 * Threads sharing the mm (clone(CLONE_VM), a thread's exit): each thread
 * beyond the first holds an mm_users reference, as in the kernel.  The
 * speculative path is tried only for a user fault while the mm has
 * another user (the series' mm_users > 1).  A new mm has 1 thread;
 * nr in [1, TB_MAX_THREADS].  tb_mm_destroy drops them all (exit_group).
 */
TB_API int tb_mm_set_threads(tb_mm_t mm, uint32_t nr);

/* Files: a per-mm file table, like a process's fd table. */
TB_API int tb_file_open(tb_mm_t mm, uint64_t size, uint32_t flags);
TB_API int tb_file_close(tb_mm_t mm, int fd);

/* Address-space operations */
TB_API int64_t tb_mmap(tb_mm_t mm, uint64_t addr, uint64_t len,
		       uint32_t prot, uint32_t flags, int fd, uint64_t pgoff);
TB_API int tb_munmap(tb_mm_t mm, uint64_t addr, uint64_t len);
TB_API int tb_mprotect(tb_mm_t mm, uint64_t addr, uint64_t len, uint32_t prot);
TB_API int tb_mbind(tb_mm_t mm, uint64_t addr, uint64_t len, uint32_t mode);
TB_API int tb_fault(tb_mm_t mm, uint64_t addr, uint32_t flags);
TB_API int tb_batch(tb_mm_t mm, struct tb_op *ops, int n);
/*
 * madvise's fork behaviours (tb_madvise_advice) over [addr, addr + len):
 * MMU configs only (nommu: -ENOSYS).  A zero length is -EINVAL.
 */
TB_API int tb_madvise(tb_mm_t mm, uint64_t addr, uint64_t len,
		      uint32_t advice);
/*
 * fork: a new mm (*child, a handle like tb_mm_create's) with a copy of
 * mm's fd table and of every VMA but the VM_DONTCOPY ones (dup_mmap),
 * private anonymous pages shared copy-on-write.  The child is of mm's
 * fork family: objects are counted per family (tb_stats' live_* and
 * allocations, the leak check at the family's last exit, injected
 * failures).  The fork's events go to mm's log.  nommu: -ENOSYS.
 */
TB_API int tb_fork(tb_mm_t mm, tb_mm_t *child);

/*
 * The refcount protocol: a reference keeps the VMA alive past munmap.
 * Only where tb_config_info.caps has TB_CAP_GET_VMA; elsewhere (no SPF,
 * nommu, and the RCU designs mmu-spf-rcu and mmu-pvl) all three return
 * -EOPNOTSUPP.
 */
TB_API int tb_get_vma(tb_mm_t mm, uint64_t addr, uint64_t *ref,
		      struct tb_vma_info *info);
TB_API int tb_vma_ref_info(tb_mm_t mm, uint64_t ref, struct tb_vma_info *info);
TB_API int tb_put_vma(tb_mm_t mm, uint64_t ref);

/* Observation */
TB_API int tb_snapshot(tb_mm_t mm, struct tb_vma_info *buf, int cap);
TB_API int tb_stats(tb_mm_t mm, struct tb_stats *out);
TB_API int tb_validate(tb_mm_t mm);
TB_API int tb_violations(tb_mm_t mm, struct tb_violation *buf, int cap);
TB_API int tb_trace(tb_mm_t mm, int enable);	/* enum tb_trace_mode */
TB_API int tb_events(tb_mm_t mm, struct tb_event *buf, int cap);

/*
 * Counted costs (checked flavour; -EOPNOTSUPP in perf): the sums for the
 * operations of kind op (tb_op_kind; TB_OP_NONE = lookups, observation
 * and batch entry), and a reset of every thread's counters.
 */
TB_API int tb_counts(uint32_t op, struct tb_op_counts *out);
TB_API int tb_counts_reset(void);

/* Testing */
TB_API int tb_inject_alloc_failure(tb_mm_t mm, uint32_t cache, uint64_t nth);
/* Test-only: leak one reference to open file fd (a teardown violation). */
TB_API int tb_debug_leak_file(tb_mm_t mm, int fd);

#ifdef __cplusplus
}
#endif

#endif /* TESTBED_H */
