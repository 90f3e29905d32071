// SPDX-License-Identifier: GPL-2.0-only
/*
 * api/refs.c - get_vma references held on a caller's behalf.
 *
 * A reference is an opaque non-zero u64, (generation << 16) | slot, into
 * a fixed table of TB_MAX_VMA_REFS slots under refs_lock; a slot's
 * generation is bumped every time it is taken, so a stale or forged
 * reference is -EBADF, never a pointer dereference.  Only SPF configs
 * have get_vma/put_vma (elsewhere: -EOPNOTSUPP).
 *
 * Lock order: mmap_sem -> refs_lock; page_table_lock is never taken
 * under refs_lock (both would be order violations the other way round).
 */
#include "api/api.h"
#include "kernel/lockdep.h"

#define REF_SLOT_BITS	16
#define REF_SLOT_MASK	((1ULL << REF_SLOT_BITS) - 1)

BUILD_BUG_ON(TB_MAX_VMA_REFS > REF_SLOT_MASK);

static __maybe_unused u64 ref_encode(struct mm_struct *mm, int slot)
{
	return ((u64)tb_process_of(mm)->refs[slot].generation << REF_SLOT_BITS) | (u64)slot;
}

/* The slot of ref, or -1.  Caller holds refs_lock. */
static __maybe_unused int ref_decode(struct mm_struct *mm, u64 ref)
{
	struct tb_process *proc = tb_process_of(mm);
	u64 slot = ref & REF_SLOT_MASK;

	if (!ref || slot >= TB_MAX_VMA_REFS)
		return -1;
	if (!proc->refs[slot].vma ||
	    (ref >> REF_SLOT_BITS) != proc->refs[slot].generation)
		return -1;
	return (int)slot;
}

/* The info fields that need no page_table_lock. */
static void vma_info_fields(struct vm_area_struct *vma,
			    struct tb_vma_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = vma->tb_id;
	info->vm_start = vma->vm_start;
	info->vm_end = vma->vm_end;
	info->vm_pgoff = vma->vm_pgoff;
	info->vm_flags = vma->vm_flags;
	info->file_id = vma->vm_file ? vma->vm_file->tb_id : 0;
#ifdef CONFIG_MMU
	info->region_id = 0;
#else
	info->region_id = vma_region_id(vma);
#endif
	info->policy = vma->vm_policy ? vma->vm_policy->mode : 0;
#ifdef TB_VMA_REFCOUNT
	info->ref_count = atomic_read(&vma->vm_ref_count);
#else
	info->ref_count = 0;
#endif
	info->has_anon_vma = READ_ONCE(vma->anon_vma) != NULL;
	info->in_tree = !RB_EMPTY_NODE(&vma->vm_rb);
	info->sequence = raw_read_seqcount(&vma->vm_sequence);
#ifdef CONFIG_MMU
	info->anon_chain = anon_vma_chain_len(vma);
#endif
}

/*
 * populated = pages in the page table inside [vm_start, vm_end) of a VMA
 * in the tree; a detached VMA maps nothing (0).
 */
static void vma_info_populated(struct mm_struct *mm, struct tb_vma_info *info)
{
	if (!info->in_tree)
		return;
	info->populated = (u32)pt_count_range(mm, info->vm_start,
					      info->vm_end);
#ifdef CONFIG_MMU
	info->cow_pages = (u32)pt_count_cow(mm, info->vm_start, info->vm_end);
#endif
}

void tb_fill_vma_info(struct mm_struct *mm, struct vm_area_struct *vma,
		      struct tb_vma_info *info)
{
	lockdep_assert_held(&mm->mmap_sem);
	vma_info_fields(vma, info);
	vma_info_populated(mm, info);
}

#ifdef TB_VMA_REFCOUNT
int tb_refs_get(struct mm_struct *mm, u64 addr, u64 *ref,
		struct tb_vma_info *info)
{
	struct tb_process *proc = tb_process_of(mm);
	struct vm_area_struct *vma;
	int slot;

	vma = get_vma(mm, addr);
	if (!vma)
		return -ENOENT;

	/* our reference keeps it alive; mmap_sem keeps its fields still */
	down_read(&mm->mmap_sem);
	tb_fill_vma_info(mm, vma, info);
	up_read(&mm->mmap_sem);

	spin_lock(&proc->refs_lock);
	for (slot = 0; slot < TB_MAX_VMA_REFS; slot++)
		if (!proc->refs[slot].vma)
			break;
	if (slot == TB_MAX_VMA_REFS) {
		spin_unlock(&proc->refs_lock);
		put_vma(vma);
		return -ENOSPC;
	}
	proc->refs[slot].generation++;
	if (!proc->refs[slot].generation)
		proc->refs[slot].generation = 1;
	proc->refs[slot].vma = vma;
	*ref = ref_encode(mm, slot);
	spin_unlock(&proc->refs_lock);
	return 0;
}

int tb_refs_info(struct mm_struct *mm, u64 ref, struct tb_vma_info *info)
{
	struct tb_process *proc = tb_process_of(mm);
	int slot;

	down_read(&mm->mmap_sem);
	spin_lock(&proc->refs_lock);
	slot = ref_decode(mm, ref);
	if (slot >= 0) {
		struct vm_area_struct *vma = proc->refs[slot].vma;

		WARN(kmem_obj_freed(vma), "held VMA %p was freed",
		     (void *)vma);
		vma_info_fields(vma, info);
	}
	spin_unlock(&proc->refs_lock);
	if (slot >= 0)
		vma_info_populated(mm, info);
	up_read(&mm->mmap_sem);
	return slot >= 0 ? 0 : -EBADF;
}

int tb_refs_put(struct mm_struct *mm, u64 ref)
{
	struct tb_process *proc = tb_process_of(mm);
	struct vm_area_struct *vma;
	int slot;

	spin_lock(&proc->refs_lock);
	slot = ref_decode(mm, ref);
	if (slot < 0) {
		spin_unlock(&proc->refs_lock);
		return -EBADF;
	}
	vma = proc->refs[slot].vma;
	proc->refs[slot].vma = NULL;
	spin_unlock(&proc->refs_lock);
	put_vma(vma);
	return 0;
}

/* The mm is going: drop what callers still hold, lowest slot first. */
void tb_refs_release(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);
	int slot;

	for (slot = 0; slot < TB_MAX_VMA_REFS; slot++) {
		struct vm_area_struct *vma = proc->refs[slot].vma;

		proc->refs[slot].vma = NULL;
		if (vma)
			put_vma(vma);
	}
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The checks on held references (caller holds mmap_sem for read): no held
 * VMA is freed; each holds at least its holders' references plus the
 * tree's while linked; a detached held VMA maps nothing.  Returns the
 * number of problems and, through the table, how many distinct detached
 * VMAs are held (for the live_vmas check).
 */
static int refs_check(struct mm_struct *mm, int *detached_held,
		      s64 *live_vmas)
{
	struct tb_process *proc = tb_process_of(mm);

	uintptr_t held[TB_MAX_VMA_REFS];
	int i, n = 0, bugs = 0;

	spin_lock(&proc->refs_lock);
	/*
	 * Read under refs_lock: a concurrent put_vma of a held reference
	 * clears its slot under this lock before it frees the VMA.
	 */
	*live_vmas = tb_kmem_live(&proc->family->kmem, TB_CACHE_VMA);
	for (i = 0; i < TB_MAX_VMA_REFS; i++)
		if (proc->refs[i].vma)
			held[n++] = (uintptr_t)proc->refs[i].vma;
	qsort(held, n, sizeof(held[0]), cmp_ptr);
	*detached_held = 0;
	for (i = 0; i < n; ) {
		struct vm_area_struct *vma = (void *)held[i];
		int holders = 0, in_tree, ref;

		while (i < n && held[i] == (uintptr_t)vma) {
			holders++;
			i++;
		}
		if (WARN(kmem_obj_freed(vma),
			 "get_vma reference to freed VMA %p", (void *)vma)) {
			bugs++;
			continue;
		}
		in_tree = !RB_EMPTY_NODE(&vma->vm_rb);
		ref = atomic_read(&vma->vm_ref_count);
		if (WARN(ref < holders + in_tree,
			 "VMA %llu: vm_ref_count %d < %d held + %d tree",
			 (unsigned long long)vma->tb_id, ref, holders, in_tree))
			bugs++;
		if (!in_tree) {
			(*detached_held)++;
			if (WARN(READ_ONCE(vma->anon_vma) != NULL,
				 "detached VMA %llu still links its anon_vma",
				 (unsigned long long)vma->tb_id))
				bugs++;
		}
	}
	spin_unlock(&proc->refs_lock);
	return bugs;
}
#else
int tb_refs_get(struct mm_struct *mm, u64 addr, u64 *ref,
		struct tb_vma_info *info)
{
	(void)mm; (void)addr; (void)ref; (void)info;
	return -EOPNOTSUPP;
}

int tb_refs_info(struct mm_struct *mm, u64 ref, struct tb_vma_info *info)
{
	(void)mm; (void)ref; (void)info;
	return -EOPNOTSUPP;
}

int tb_refs_put(struct mm_struct *mm, u64 ref)
{
	(void)mm; (void)ref;
	return -EOPNOTSUPP;
}

void tb_refs_release(struct mm_struct *mm)
{
	(void)mm;
}

static int refs_check(struct mm_struct *mm, int *detached_held,
		      s64 *live_vmas)
{
	*live_vmas = tb_kmem_live(&tb_process_of(mm)->family->kmem, TB_CACHE_VMA);
	*detached_held = 0;
	return 0;
}
#endif

static int cmp_anon(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * tb_validate's checks beyond validate_mm (caller holds mmap_sem read):
 * the held references; live_vmas == map_count + detached VMAs still held;
 * every anon_vma's degree equals the VMAs linking it and live_anon_vmas
 * equals the anon_vmas linked.  The counts are exact only while no fault
 * is in flight (a speculative fault may pin a detached VMA, a classic one
 * may be installing an anon_vma): with faults running, only "at least".
 */
int tb_refs_validate(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);
	int bugs, detached_held, n = 0, i, distinct = 0, quiet, alone;
	int nr_links = 0;
	s64 live_vmas, live_anon, started, joins;
	struct anon_vma *bad_av = NULL;
	int bad_links = 0;
	uintptr_t *avs;
	struct vm_area_struct *vma;

	/*
	 * quiet: no pin in flight, and none started while we looked.
	 * Started first, then in flight: pin_begin counts them the other way
	 * round, so a pin begun before our baseline of started is seen in
	 * flight (or has ended), and one begun after it moves started.  The
	 * barriers keep the reads in that order around the counts.
	 */
	started = atomic64_read(&proc->pins_started);
	joins = atomic64_read(&proc->family->joins);
	smp_rmb();
	quiet = atomic_read(&proc->pins_inflight) == 0;
	alone = atomic_read(&proc->family->users) == 1;
	smp_rmb();
	bugs = refs_check(mm, &detached_held, &live_vmas);

	for (vma = mm->mmap; vma && n < mm->map_count; vma = vma->vm_next)
		nr_links += (int)anon_vma_chain_len(vma);
	avs = calloc(nr_links + 1, sizeof(*avs));
	if (!avs)
		abort();
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		struct anon_vma *av;

		/* the whole chain: its own anon_vma and every ancestor */
		for (av = __atomic_load_n(&vma->anon_vma, __ATOMIC_ACQUIRE);
		     av && n < nr_links; av = av->parent)
			avs[n++] = (uintptr_t)av;
	}
	qsort(avs, n, sizeof(*avs), cmp_anon);
	for (i = 0; i < n; ) {
		struct anon_vma *av = (void *)avs[i];
		int links = 0;

		while (i < n && avs[i] == (uintptr_t)av) {
			links++;
			i++;
		}
		distinct++;
		if (WARN(kmem_obj_freed(av), "VMA links freed anon_vma %p",
			 (void *)av)) {
			bugs++;
			continue;
		}
		if (atomic_read(&av->degree) != links && !bad_av) {
			bad_av = av;
			bad_links = links;
		}
	}
	free(avs);
	/*
	 * Read after the walk: a classic fault (mmap_sem read, like us) may
	 * allocate and link an anon_vma while we look, and allocation charges
	 * before linking, so every anon_vma we saw linked is already counted.
	 * None is freed meanwhile: unlinking needs mmap_sem for write.
	 */
	live_anon = tb_kmem_live(&proc->family->kmem, TB_CACHE_ANON_VMA);

	smp_rmb();
	quiet = quiet && atomic_read(&proc->pins_inflight) == 0;
	smp_rmb();
	quiet = quiet && atomic64_read(&proc->pins_started) == started;
	/*
	 * Another mm of the fork family links the same anon_vmas and is
	 * charged to the same account: then the counts are "at least".  It
	 * must be alone for the whole look: a child forked after the first
	 * read and torn down before this one had its VMAs counted live
	 * ("live_vmas 11, map_count 8 + 0 detached held"); it moved joins.
	 */
	alone = alone && atomic_read(&proc->family->users) == 1 &&
		atomic64_read(&proc->family->joins) == joins;
	quiet = quiet && alone;
	if (alone && quiet && WARN(bad_av, "anon_vma %llu: degree %d, %d VMAs link it",
			  bad_av ? (unsigned long long)bad_av->tb_id : 0ULL,
			  bad_av ? atomic_read(&bad_av->degree) : 0,
			  bad_links))
		bugs++;
	if (WARN(quiet ? live_vmas != mm->map_count + detached_held :
		 live_vmas < mm->map_count + detached_held,
		 "live_vmas %lld, map_count %d + %d detached held",
		 (long long)live_vmas, mm->map_count, detached_held))
		bugs++;
	if (WARN(quiet ? live_anon != distinct : live_anon < distinct,
		 "live_anon_vmas %lld, %d linked", (long long)live_anon,
		 distinct))
		bugs++;
	return bugs;
}
