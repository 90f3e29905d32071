// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/mmap.c - the VMA tree and list of the model: 4.16 mm/mmap.c with the
 * speculative page fault series ("mm: protect mm_rb tree with a rwlock",
 * "mm: VMA sequence count") applied.
 *
 * Written for the testbed from the 4.16 algorithms; function names and
 * structure follow the kernel so the two can be read side by side.  What
 * the model leaves out: the vmacache, the i_mmap and anon_vma interval
 * trees, uprobes, khugepaged, userfaultfd, locked/accounted memory limits,
 * the stack guard gap at placement (expand_downwards keeps it) and hugetlb.
 *
 * Locking, as in the kernel: the tree and the list change only under
 * mmap_sem held for write.  On mmu-spf every insert into or erase from
 * mm_rb is also done under mm_rb_lock held for write, so that get_vma()
 * (mm_rb_lock read, no mmap_sem) walks a consistent tree; the RCU designs
 * keep mm_mt, the kernel's maple tree, in step instead, walked under RCU
 * alone (vma_mt_*).  With SPF a VMA's fields change inside vm_sequence write
 * sections so that a speculative fault can tell it raced with a change.
 * Fields a speculative reader looks at (vm_start, vm_end, vm_flags,
 * vm_pgoff, anon_vma) are written with WRITE_ONCE on linked VMAs.
 */
#include "mm/internal.h"
#include "kernel/lockdep.h"
#include "kernel/rbtree_augmented.h"

unsigned long mmap_min_addr = TB_MMAP_MIN_ADDR;
int sysctl_max_map_count = TB_MAX_MAP_COUNT;

struct kmem_cache *vm_area_cachep;
struct kmem_cache *anon_vma_cachep;

static pthread_once_t mmap_init_once = PTHREAD_ONCE_INIT;

static void __mmap_init(void)
{
	vm_area_cachep = kmem_cache_create("vm_area_struct",
					   sizeof(struct vm_area_struct),
					   CACHE_VMA);
#ifdef CONFIG_VMA_REFCNT
	/* 6.15: VMAs are reused without waiting for a grace period */
	kmem_cache_set_typesafe_by_rcu(vm_area_cachep);
#endif
	anon_vma_cachep = kmem_cache_create("anon_vma", sizeof(struct anon_vma),
					    CACHE_ANON_VMA);
}

void mmap_init(void)
{
	pthread_once(&mmap_init_once, __mmap_init);
}

static struct vm_area_struct *__find_vma(struct mm_struct *mm,
					 unsigned long addr);

/* ---- object lifetimes: VMAs and anon_vmas ---------------------------- */

/*
 * The 4.18 name for what 4.16 open-codes in __split_vma ("*new = *vma"):
 * field by field, because a speculative fault may be bumping
 * orig->vm_ref_count at this very moment and a struct copy would read it.
 */
static struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *new = vm_area_alloc(orig->vm_mm);

	if (!new)
		return NULL;
	new->vm_start = orig->vm_start;
	new->vm_end = orig->vm_end;
	new->vm_flags = orig->vm_flags;
	new->vm_pgoff = orig->vm_pgoff;
	new->vm_file = orig->vm_file;
	new->anon_vma = orig->anon_vma;
	new->vm_policy = orig->vm_policy;
	return new;
}


/*
 * __free_vma, the shared free helper (drop the file, the policy, free the
 * VMA), lives in mm/vma_free.c: nommu.c's delete_vma and do_mmap error
 * paths use it too.  remove_vma() and the remove-next case of
 * __vma_adjust() reach it through put_vma() on SPF configs, directly
 * otherwise.
 */

#ifdef TB_MM_MT
/*
 * The tree walk of a fault that has no mmap_sem: 6.4's mas_walk of the
 * maple tree (lib/maple_tree.c, compiled from linux-source-6.12), safe
 * against writers under rcu_read_lock alone, with no mm-wide line
 * written.  The caller holds the read-side section, which also keeps the
 * VMA's memory (a VMA is freed after a grace period); the VMA's fields
 * may be changing, so the caller re-checks them.
 */
struct vm_area_struct *find_vma_lockless(struct mm_struct *mm,
					 unsigned long addr)
{
	WARN(!rcu_read_lock_held(), "find_vma_lockless outside rcu_read_lock");
	return tb_mt_walk(mm->mm_mt, addr);
}

/*
 * mm_mt follows the VMA list (6.4's vma_iter_store / vma_iter_clear),
 * under mmap_sem held for write: the only writer.  The model keeps
 * mm_rb too (find_vma, the gaps), so mm_mt is changed where mm_rb is
 * and where __vma_adjust moves a boundary.  A store cannot fail in the
 * kernel (the nodes are preallocated); here a failure is a violation.
 */
static void vma_mt_store(struct mm_struct *mm, unsigned long start,
			 unsigned long end, struct vm_area_struct *vma)
{
	int err = tb_mt_store(mm->mm_mt, start, end - 1, vma);

	WARN(err, "mm_mt: store [%lx,%lx) failed (%d)", start, end, err);
}

/* Empties what of [start, end) mm_mt still maps to vma. */
static void vma_mt_clear(struct mm_struct *mm, unsigned long start,
			 unsigned long end, struct vm_area_struct *vma)
{
	unsigned long first, last;
	void *entry;

	while (start < end) {
		entry = tb_mt_find(mm->mm_mt, start, end - 1, &first, &last);
		if (!entry)
			break;
		if (entry == vma)
			vma_mt_store(mm, max(first, start),
				     min(last, end - 1) + 1, NULL);
		if (last >= end - 1)
			break;
		start = last + 1;
	}
}

/*
 * vma's boundaries moved from [old_start, old_end): map its new range,
 * then empty what it left and nobody took.  The VMA that grows is
 * stored before the one that shrinks (__vma_adjust), so no address that
 * either covers reads empty meanwhile.
 */
static void vma_mt_move(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long old_start, unsigned long old_end)
{
	if (old_start == vma->vm_start && old_end == vma->vm_end)
		return;
	vma_mt_store(mm, vma->vm_start, vma->vm_end, vma);
	if (old_start < vma->vm_start)
		vma_mt_clear(mm, old_start, min(old_end, vma->vm_start), vma);
	if (old_end > vma->vm_end)
		vma_mt_clear(mm, max(old_start, vma->vm_end), old_end, vma);
}
#else
static inline void vma_mt_store(struct mm_struct *mm, unsigned long start,
				unsigned long end, struct vm_area_struct *vma)
{
	(void)mm;
	(void)start;
	(void)end;
	(void)vma;
}

static inline void vma_mt_clear(struct mm_struct *mm, unsigned long start,
				unsigned long end, struct vm_area_struct *vma)
{
	(void)mm;
	(void)start;
	(void)end;
	(void)vma;
}

static inline void vma_mt_move(struct mm_struct *mm,
			       struct vm_area_struct *vma,
			       unsigned long old_start, unsigned long old_end)
{
	(void)mm;
	(void)vma;
	(void)old_start;
	(void)old_end;
}
#endif

#ifdef TB_VMA_REFCOUNT
/*
 * get_vma - find the first VMA with addr < vm_end and pin it, without
 * mmap_sem.  mm_rb_lock held for read keeps writers from inserting or
 * erasing while we walk; the reference taken before the unlock keeps the
 * VMA alive after it left the tree (the unlink paths drop the tree's
 * reference only after the erase).
 */
struct vm_area_struct *get_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	read_lock(&mm->mm_rb_lock);
	vma = __find_vma(mm, addr);
	if (vma) {
		WARN(kmem_obj_freed(vma), "get_vma: freed VMA id %llu in mm_rb",
		     (unsigned long long)kmem_obj_id(vma));
		/* the tree's reference must still be there */
		WARN(atomic_inc_return(&vma->vm_ref_count) <= 1,
		     "get_vma: VMA %llu had no reference",
		     (unsigned long long)vma->tb_id);
	}
	read_unlock(&mm->mm_rb_lock);
	return vma;
}

void put_vma(struct vm_area_struct *vma)
{
	int ref;

	/* a stale pointer to a quarantined VMA: report, do not touch */
	if (WARN(kmem_obj_freed(vma), "put_vma: use after free of VMA id %llu",
		 (unsigned long long)kmem_obj_id(vma)))
		return;
	ref = atomic_dec_return(&vma->vm_ref_count);
	if (ref == 0) {
		/*
		 * Still linked while the mm has users: someone dropped the
		 * tree's reference early.  exit_mmap (mm_users == 0) frees
		 * VMAs that are still linked, as the series does: nobody can
		 * look the dying tree up any more.
		 */
		WARN(!RB_EMPTY_NODE(&vma->vm_rb) &&
		     atomic_read(&vma->vm_mm->mm_users),
		     "put_vma: freeing VMA %llu still in mm_rb",
		     (unsigned long long)vma->tb_id);
		__free_vma(vma);
	} else {
		WARN(ref < 0, "put_vma: vm_ref_count underflow (%d) VMA %llu",
		     ref, (unsigned long long)vma->tb_id);
	}
}
#endif

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *anon_vma;

	anon_vma = kmem_cache_zalloc(anon_vma_cachep, GFP_KERNEL);
	if (!anon_vma)
		return NULL;
	anon_vma->tb_id = kmem_obj_id(anon_vma);
	atomic_set(&anon_vma->degree, 0);
	tb_trace_event(EV_ANON_VMA_ALLOC, anon_vma->tb_id, 0);
	return anon_vma;
}

static void anon_vma_free(struct anon_vma *anon_vma)
{
	tb_trace_event(EV_ANON_VMA_FREE, anon_vma->tb_id, 0);
	kmem_cache_free(anon_vma_cachep, anon_vma);
}

/*
 * anon_vma_chain_link for the VMA's whole chain: its own anon_vma and
 * every ancestor (one avc each in the kernel).
 */
static void anon_vma_chain_link(struct vm_area_struct *vma,
				struct anon_vma *anon_vma)
{
	struct anon_vma *av;

	for (av = anon_vma; av; av = av->parent)
		tb_trace_event(EV_ANON_VMA_LINK, av->tb_id,
			       atomic_inc_return(&av->degree));
	/*
	 * A release: the observers that walk the chain under mmap_sem
	 * read (tb_vma_info, validate) may meet an anon_vma a racing
	 * fault just allocated (anon_vma_chain_len reads it with acquire).
	 */
	__atomic_store_n(&vma->anon_vma, anon_vma, __ATOMIC_RELEASE);
}

/*
 * unlink_anon_vmas: the VMA stops linking its chain; each anon_vma is
 * freed when no VMA links it any more (a child's goes before its
 * parent's: every VMA linking the child links the parent too).
 */
static void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma = vma->anon_vma, *parent;
	int degree;
	u64 id;

	if (!anon_vma)
		return;
	WRITE_ONCE(vma->anon_vma, NULL);
	for (; anon_vma; anon_vma = parent) {
		/*
		 * Read before our link goes: another mm of the fork family
		 * may drop the last one right after and free the anon_vma.
		 */
		parent = anon_vma->parent;
		id = anon_vma->tb_id;
		degree = atomic_dec_return(&anon_vma->degree);
		tb_trace_event(EV_ANON_VMA_UNLINK, id, degree);
		if (!degree)
			anon_vma_free(anon_vma);
	}
}

/* list_is_singular(&vma->anon_vma_chain) */
static bool anon_vma_chain_singular(struct vm_area_struct *vma)
{
	struct anon_vma *av = READ_ONCE(vma->anon_vma);

	return av && !av->parent;
}

/* anon_vma_clone: dst (a copy of src) links src's chain too. */
static int anon_vma_clone(struct vm_area_struct *dst,
			  struct vm_area_struct *src)
{
	struct anon_vma *av;

	if (src->anon_vma) {
		VM_WARN_ON(dst->anon_vma != src->anon_vma);
		for (av = src->anon_vma; av; av = av->parent)
			tb_trace_event(EV_ANON_VMA_LINK, av->tb_id,
				       atomic_inc_return(&av->degree));
	}
	return 0;
}

/*
 * anon_vma_fork (4.16 mm/rmap.c): the child's VMA links the parent's
 * chain and a new anon_vma of its own whose parent is the parent VMA's
 * (4.16 may instead reuse an ancestor with degree < 2: not modelled).
 */
static int anon_vma_fork(struct vm_area_struct *vma,
			 struct vm_area_struct *pvma)
{
	struct anon_vma *anon_vma;

	vma->anon_vma = NULL;
	if (!pvma->anon_vma)
		return 0;
	anon_vma = anon_vma_alloc();
	if (!anon_vma)
		return -ENOMEM;
	anon_vma->parent = pvma->anon_vma;
	anon_vma_chain_link(vma, anon_vma);
	return 0;
}

static void anon_vma_merge(struct vm_area_struct *vma,
			   struct vm_area_struct *next)
{
	VM_BUG_ON_VMA(vma->anon_vma != next->anon_vma, vma);
	unlink_anon_vmas(next);
}

/* mm/rmap.c: can a and b (a just below b) share an anon_vma? */
static int anon_vma_compatible(struct vm_area_struct *a,
			       struct vm_area_struct *b)
{
	return a->vm_end == b->vm_start &&
		mpol_equal(vma_policy(a), vma_policy(b)) &&
		a->vm_file == b->vm_file &&
		!((a->vm_flags ^ b->vm_flags) &
		  ~(VM_READ | VM_WRITE | VM_EXEC | VM_SOFTDIRTY)) &&
		b->vm_pgoff == a->vm_pgoff +
			((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/*
 * old's anon_vma is reusable for the pair (a, b) when they are compatible
 * and old has exactly one avc.  old->anon_vma may be set under us by a
 * racing fault (page_table_lock, mmap_sem read): hence READ_ONCE.
 */
static struct anon_vma *reusable_anon_vma(struct vm_area_struct *old,
					  struct vm_area_struct *a,
					  struct vm_area_struct *b)
{
	if (anon_vma_compatible(a, b)) {
		struct anon_vma *anon_vma = READ_ONCE(old->anon_vma);

		if (anon_vma && !anon_vma->parent)
			return anon_vma;
	}
	return NULL;
}

static struct anon_vma *find_mergeable_anon_vma(struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma = NULL;

	if (vma->vm_next)
		anon_vma = reusable_anon_vma(vma->vm_next, vma, vma->vm_next);
	if (!anon_vma && vma->vm_prev)
		anon_vma = reusable_anon_vma(vma->vm_prev, vma->vm_prev, vma);
	return anon_vma;
}

/*
 * __anon_vma_prepare: called with mmap_sem held for read by a write
 * fault; two such faults may race for the same VMA, page_table_lock
 * decides, and the loser frees what it allocated.
 */
static int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma *anon_vma, *allocated = NULL;

	anon_vma = find_mergeable_anon_vma(vma);
	if (!anon_vma) {
		anon_vma = anon_vma_alloc();
		if (unlikely(!anon_vma))
			return -ENOMEM;
		allocated = anon_vma;
	}

	spin_lock(&mm->page_table_lock);
	if (likely(!vma->anon_vma)) {
		anon_vma_chain_link(vma, anon_vma);
		allocated = NULL;
	}
	spin_unlock(&mm->page_table_lock);

	if (unlikely(allocated))
		anon_vma_free(allocated);
	return 0;
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	if (likely(READ_ONCE(vma->anon_vma)))
		return 0;
	return __anon_vma_prepare(vma);
}

/* ---- the augmented rbtree -------------------------------------------- */

static unsigned long vma_compute_subtree_gap(struct vm_area_struct *vma)
{
	unsigned long max, prev_end, subtree_gap;

	/*
	 * The gap left of this VMA: from the end of the previous one (or 0)
	 * to our start.
	 */
	max = vm_start_gap(vma);
	if (vma->vm_prev) {
		prev_end = vm_end_gap(vma->vm_prev);
		if (max > prev_end)
			max -= prev_end;
		else
			max = 0;
	}
	if (vma->vm_rb.rb_left) {
		subtree_gap = rb_entry(vma->vm_rb.rb_left,
				       struct vm_area_struct, vm_rb)->rb_subtree_gap;
		if (subtree_gap > max)
			max = subtree_gap;
	}
	if (vma->vm_rb.rb_right) {
		subtree_gap = rb_entry(vma->vm_rb.rb_right,
				       struct vm_area_struct, vm_rb)->rb_subtree_gap;
		if (subtree_gap > max)
			max = subtree_gap;
	}
	return max;
}

RB_DECLARE_CALLBACKS(static, vma_gap_callbacks, struct vm_area_struct, vm_rb,
		     unsigned long, rb_subtree_gap, vma_compute_subtree_gap)

/*
 * After vm_start or vm_prev->vm_end changed: recompute the gap of vma and
 * propagate up.  Only mmap_sem writers read rb_subtree_gap, so no
 * mm_rb_lock is needed here.
 */
void vma_gap_update(struct vm_area_struct *vma)
{
	vma_gap_callbacks_propagate(&vma->vm_rb, NULL);
}

static inline void vma_rb_insert(struct vm_area_struct *vma,
				 struct mm_struct *mm)
{
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
#ifdef CONFIG_PER_VMA_LOCK
	vma_mark_detached(vma, false);
#endif
}

static inline void mm_rb_write_lock(struct mm_struct *mm)
{
#ifdef TB_MM_RB_LOCK
	write_lock(&mm->mm_rb_lock);
#else
	(void)mm;
#endif
}

static inline void mm_rb_write_unlock(struct mm_struct *mm)
{
#ifdef TB_MM_RB_LOCK
	write_unlock(&mm->mm_rb_lock);
#else
	(void)mm;
#endif
}

/*
 * Erase vma from mm_rb under mm_rb_lock, and only then mark the node
 * empty: the write_unlock orders the erase before the clear, so a
 * speculative fault that sees RB_EMPTY_NODE also sees the tree without
 * the VMA (matched by the RB_EMPTY_NODE check in handle_speculative_fault).
 */
static void __vma_rb_erase(struct vm_area_struct *vma, struct mm_struct *mm)
{
#ifdef CONFIG_PER_VMA_LOCK
	/* 6.4: a VMA is write-locked before it leaves the tree */
	vma_start_write(vma);
#endif
	mm_rb_write_lock(mm);
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	mm_rb_write_unlock(mm);
	RB_CLEAR_NODE(&vma->vm_rb);
#ifdef CONFIG_PER_VMA_LOCK
	vma_mark_detached(vma, true);
#endif
	/* what __vma_adjust did not give another VMA already */
	vma_mt_clear(mm, vma->vm_start, vma->vm_end, vma);
}

static __always_inline void vma_rb_erase_ignore(struct vm_area_struct *vma,
						struct mm_struct *mm,
						struct vm_area_struct *ignore)
{
	/* validate_mm_rb(root, ignore) is left to tb_validate */
	(void)ignore;
	__vma_rb_erase(vma, mm);
}

static __always_inline void vma_rb_erase(struct vm_area_struct *vma,
					 struct mm_struct *mm)
{
	vma_rb_erase_ignore(vma, mm, vma);
}

/*
 * The tree walk shared by find_vma (mmap_sem held) and get_vma
 * (mm_rb_lock held for read, mmap_sem not held: vm_start/vm_end may be
 * changing under us, hence READ_ONCE; the caller revalidates).
 */
static struct vm_area_struct *__find_vma(struct mm_struct *mm,
					 unsigned long addr)
{
	struct rb_node *rb_node = mm->mm_rb.rb_node;
	struct vm_area_struct *vma = NULL;

	while (rb_node) {
		struct vm_area_struct *tmp;

		tmp = rb_entry(rb_node, struct vm_area_struct, vm_rb);
		if (READ_ONCE(tmp->vm_end) > addr) {
			vma = tmp;
			if (READ_ONCE(tmp->vm_start) <= addr)
				break;
			rb_node = rb_node->rb_left;
		} else {
			rb_node = rb_node->rb_right;
		}
	}
	return vma;
}

/* Look up the first VMA which satisfies addr < vm_end, NULL if none. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	return __find_vma(mm, addr);
}

/* Same as find_vma, but also a pointer to the previous VMA in *pprev. */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma;

	vma = find_vma(mm, addr);
	if (vma) {
		*pprev = vma->vm_prev;
	} else {
		struct rb_node *rb_node = rb_last(&mm->mm_rb);

		*pprev = rb_node ? rb_entry(rb_node, struct vm_area_struct,
					    vm_rb) : NULL;
	}
	return vma;
}

static int find_vma_links(struct mm_struct *mm, unsigned long addr,
			  unsigned long end, struct vm_area_struct **pprev,
			  struct rb_node ***rb_link, struct rb_node **rb_parent)
{
	struct rb_node **__rb_link, *__rb_parent, *rb_prev;

	__rb_link = &mm->mm_rb.rb_node;
	rb_prev = __rb_parent = NULL;

	while (*__rb_link) {
		struct vm_area_struct *vma_tmp;

		__rb_parent = *__rb_link;
		vma_tmp = rb_entry(__rb_parent, struct vm_area_struct, vm_rb);

		if (vma_tmp->vm_end > addr) {
			/* Fail if an existing VMA overlaps the area */
			if (vma_tmp->vm_start < end)
				return -ENOMEM;
			__rb_link = &__rb_parent->rb_left;
		} else {
			rb_prev = __rb_parent;
			__rb_link = &__rb_parent->rb_right;
		}
	}

	*pprev = NULL;
	if (rb_prev)
		*pprev = rb_entry(rb_prev, struct vm_area_struct, vm_rb);
	*rb_link = __rb_link;
	*rb_parent = __rb_parent;
	return 0;
}

static void __vma_link_rb(struct mm_struct *mm, struct vm_area_struct *vma,
			  struct rb_node **rb_link, struct rb_node *rb_parent)
{
	/* Update tracking information for the gap following the new vma. */
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);
	else
		mm->highest_vm_end = vm_end_gap(vma);

	/*
	 * The VMA becomes reachable by get_vma() at rb_link_node: link and
	 * rebalance under mm_rb_lock.  rb_subtree_gap must be right before
	 * the insertion (the rotations recompute from the children).
	 */
	mm_rb_write_lock(mm);
	rb_link_node(&vma->vm_rb, rb_parent, rb_link);
	vma->rb_subtree_gap = 0;
	vma_gap_update(vma);
	vma_rb_insert(vma, mm);
	mm_rb_write_unlock(mm);
	/* and to the fault's walk (6.4: vma_iter_store) */
	vma_mt_store(mm, vma->vm_start, vma->vm_end, vma);
}

static void __vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		       struct vm_area_struct *prev, struct rb_node **rb_link,
		       struct rb_node *rb_parent)
{
	__vma_link_list(mm, vma, prev, rb_parent);
	__vma_link_rb(mm, vma, rb_link, rb_parent);
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		     struct vm_area_struct *prev, struct rb_node **rb_link,
		     struct rb_node *rb_parent)
{
	__vma_link(mm, vma, prev, rb_link, rb_parent);
	mm->map_count++;
}

/* Insert vma, whose place is known to be free (split_vma's new half). */
static void __insert_vm_struct(struct mm_struct *mm,
			       struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = NULL;
	struct rb_node **rb_link = NULL, *rb_parent = NULL;

	if (find_vma_links(mm, vma->vm_start, vma->vm_end, &prev, &rb_link,
			   &rb_parent))
		BUG();
	__vma_link(mm, vma, prev, rb_link, rb_parent);
	mm->map_count++;
}

static __always_inline void __vma_unlink_common(struct mm_struct *mm,
						struct vm_area_struct *vma,
						struct vm_area_struct *prev,
						bool has_prev,
						struct vm_area_struct *ignore)
{
	struct vm_area_struct *next;

	vma_rb_erase_ignore(vma, mm, ignore);
	next = vma->vm_next;
	if (has_prev) {
		prev->vm_next = next;
	} else {
		prev = vma->vm_prev;
		if (prev)
			prev->vm_next = next;
		else
			mm->mmap = next;
	}
	if (next)
		next->vm_prev = prev;
}

static inline void __vma_unlink_prev(struct mm_struct *mm,
				     struct vm_area_struct *vma,
				     struct vm_area_struct *prev)
{
	__vma_unlink_common(mm, vma, prev, true, vma);
}

/* ---- __vma_adjust, vma_merge, split ----------------------------------- */

/*
 * The VMA leaves the mm for good: its tree reference goes (SPF: it is
 * freed when the last get_vma holder puts it).
 */
static void vma_drop_tree_ref(struct vm_area_struct *vma)
{
#ifdef TB_VMA_REFCOUNT
	put_vma(vma);
#else
	__free_vma(vma);
#endif
}

/*
 * We cannot adjust vm_start, vm_end, vm_pgoff fields of a vma that is
 * already present in an i_mmap tree without adjusting the tree; here the
 * trees are the mm_rb and the list.  insert: split_vma's new half to link;
 * expand: the VMA vma_merge wants to grow (cases 1..8, see vma_merge).
 * The caller holds mmap_sem for write.
 */
int __vma_adjust(struct vm_area_struct *vma, unsigned long start,
		 unsigned long end, pgoff_t pgoff,
		 struct vm_area_struct *insert, struct vm_area_struct *expand)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *next = vma->vm_next, *orig_vma = vma;
	struct file *file = vma->vm_file;
	bool start_changed = false, end_changed = false;
	long adjust_next = 0;
	int remove_next = 0;
	unsigned long old_start, old_end, next_old_start = 0;

	lockdep_assert_held_write(&mm->mmap_sem);

	/*
	 * SPF: both vma and next may change; a speculative fault on either
	 * must see an odd sequence or a different one afterwards.
	 */
	vm_write_begin(vma);
	if (next)
		vm_write_begin_nested(next);

	if (next && !insert) {
		struct vm_area_struct *exporter = NULL, *importer = NULL;

		if (end >= next->vm_end) {
			/*
			 * vma expands, overlapping all the next, and perhaps
			 * the one after too (mprotect case 6).  The only
			 * other cases that get here are 1, 7 and 8.
			 */
			if (next == expand) {
				/*
				 * Case 8: next expands instead of vma, and
				 * vma goes; remove_next == 3 tells the code
				 * below that vma and next were swapped.
				 */
				VM_WARN_ON(end != next->vm_end);
				remove_next = 3;
				VM_WARN_ON(file != next->vm_file);
				vma = next;
				next = orig_vma;
			} else {
				VM_WARN_ON(expand != vma);
				/* case 6 is 2, cases 1 and 7 are 1 */
				remove_next = 1 + (end > next->vm_end);
				VM_WARN_ON(remove_next == 2 &&
					   end != next->vm_next->vm_end);
				VM_WARN_ON(remove_next == 1 &&
					   end != next->vm_end);
				/* trim end to next, for case 6 first pass */
				end = next->vm_end;
			}

			exporter = next;
			importer = vma;

			/*
			 * If next has no anon_vma, import from the one after
			 * next, if vma overlaps it (case 6).
			 */
			if (remove_next == 2 && !next->anon_vma)
				exporter = next->vm_next;
		} else if (end > next->vm_start) {
			/* case 5: vma expands over part of next */
			adjust_next = (end - next->vm_start) >> PAGE_SHIFT;
			exporter = next;
			importer = vma;
			VM_WARN_ON(expand != importer);
		} else if (end < vma->vm_end) {
			/* case 4: vma shrinks, next grows down */
			adjust_next = -(long)((vma->vm_end - end) >> PAGE_SHIFT);
			exporter = vma;
			importer = next;
			VM_WARN_ON(expand != importer);
		}

		/*
		 * Easily overlooked: when mprotect shifts the boundary, the
		 * expanding vma must get the anon_vma of the shrinking one,
		 * to cover any anon pages imported.
		 */
		if (exporter && exporter->anon_vma && !importer->anon_vma) {
			int error;

			WRITE_ONCE(importer->anon_vma, exporter->anon_vma);
			error = anon_vma_clone(importer, exporter);
			if (error) {
				if (next && next != vma)
					vm_write_end(next);
				vm_write_end(vma);
				return error;
			}
		}
	}
again:
	old_start = vma->vm_start;
	old_end = vma->vm_end;
	if (adjust_next)
		next_old_start = next->vm_start;
	if (start != vma->vm_start) {
		WRITE_ONCE(vma->vm_start, start);
		start_changed = true;
	}
	if (end != vma->vm_end) {
		WRITE_ONCE(vma->vm_end, end);
		end_changed = true;
	}
	WRITE_ONCE(vma->vm_pgoff, pgoff);
	if (adjust_next) {
		WRITE_ONCE(next->vm_start,
			   next->vm_start + adjust_next * (long)PAGE_SIZE);
		WRITE_ONCE(next->vm_pgoff, next->vm_pgoff + adjust_next);
	}
	/* mm_mt: the VMA that grows first (split: after insert is in) */
	if (adjust_next < 0)
		vma_mt_move(mm, next, next_old_start, next->vm_end);
	if (!insert)
		vma_mt_move(mm, vma, old_start, old_end);
	if (adjust_next > 0)
		vma_mt_move(mm, next, next_old_start, next->vm_end);

	if (remove_next) {
		/*
		 * vma_merge has merged next into vma, and needs us to remove
		 * next before dropping the locks.
		 */
		if (remove_next != 3)
			__vma_unlink_prev(mm, next, vma);
		else
			/*
			 * vma is not before next if they have been swapped;
			 * the pre-swap next (now vma) had its vm_start
			 * lowered, so validate_mm_rb must ignore it.
			 */
			__vma_unlink_common(mm, next, NULL, false, vma);
	} else if (insert) {
		/*
		 * split_vma has split insert from vma, and needs us to
		 * insert it before dropping the locks (it may either follow
		 * vma or precede it).
		 */
		__insert_vm_struct(mm, insert);
		vma_mt_move(mm, vma, old_start, old_end);
	} else {
		if (start_changed)
			vma_gap_update(vma);
		if (end_changed) {
			if (!next)
				mm->highest_vm_end = vm_end_gap(vma);
			else if (!adjust_next)
				vma_gap_update(next);
		}
	}

	if (remove_next) {
		if (next->anon_vma)
			anon_vma_merge(vma, next);
		mm->map_count--;
		/* next left the tree: its sequence section ends before it goes */
		vm_write_end(next);
		vma_drop_tree_ref(next);
		/*
		 * In mprotect's case 6 (see vma_merge) we must remove another
		 * next too.
		 */
		if (remove_next != 3) {
			/*
			 * next was removed and vma->vm_end grew over it: the
			 * gap of the new vma->vm_next must be updated.
			 */
			next = vma->vm_next;
			if (next)
				vm_write_begin_nested(next);
		} else {
			/*
			 * Pre-swap vma was removed, the pre-swap next grew
			 * down over it: its gap must be updated; post-swap
			 * vma is that VMA.
			 */
			next = vma;
		}
		if (remove_next == 2) {
			remove_next = 1;
			end = next->vm_end;
			goto again;
		} else if (next) {
			vma_gap_update(next);
		} else {
			/*
			 * remove_next == 1 and vma was the last: case 1 or 7
			 * with nothing after; highest_vm_end is already
			 * vma's end.
			 */
			VM_WARN_ON(mm->highest_vm_end != vm_end_gap(vma));
		}
	}

	if (next && next != vma)
		vm_write_end(next);
	vm_write_end(vma);
	return 0;
}

/*
 * If the vma has a ->close operation then the driver probably needs to
 * release per-vma resources, so we don't attempt to merge those (none in
 * the model); otherwise flags (but VM_SOFTDIRTY) and file must match.
 */
static inline int is_mergeable_vma(struct vm_area_struct *vma,
				   struct file *file, unsigned long vm_flags)
{
	if ((vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY)
		return 0;
	if (vma->vm_file != file)
		return 0;
	return 1;
}

/*
 * Merging an anon_vma-less side into one that has an anon_vma is fine,
 * unless the VMA was cloned from a parent by fork (its chain is not
 * singular: it links its parent's anon_vmas too).
 */
static inline int is_mergeable_anon_vma(struct anon_vma *anon_vma1,
					struct anon_vma *anon_vma2,
					struct vm_area_struct *vma)
{
	if ((!anon_vma1 || !anon_vma2) &&
	    (!vma || anon_vma_chain_singular(vma)))
		return 1;
	return anon_vma1 == anon_vma2;
}

/* Can the range [.., vm_pgoff) be merged in front of vma? */
static int can_vma_merge_before(struct vm_area_struct *vma,
				unsigned long vm_flags,
				struct anon_vma *anon_vma, struct file *file,
				pgoff_t vm_pgoff)
{
	if (is_mergeable_vma(vma, file, vm_flags) &&
	    is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma)) {
		if (vma->vm_pgoff == vm_pgoff)
			return 1;
	}
	return 0;
}

/* Can the range starting at vm_pgoff be merged after vma? */
static int can_vma_merge_after(struct vm_area_struct *vma,
			       unsigned long vm_flags,
			       struct anon_vma *anon_vma, struct file *file,
			       pgoff_t vm_pgoff)
{
	if (is_mergeable_vma(vma, file, vm_flags) &&
	    is_mergeable_anon_vma(anon_vma, vma->anon_vma, vma)) {
		pgoff_t vm_pglen = vma_pages(vma);

		if (vma->vm_pgoff + vm_pglen == vm_pgoff)
			return 1;
	}
	return 0;
}

/*
 * Given a mapping request (addr,end,vm_flags,file,pgoff,policy), figure
 * out whether it can be merged with its predecessor and/or successor.
 * The eight cases (AAAA = the range, PPPP prev, NNNN next, XXXX the VMA
 * being changed by mprotect/mbind):
 *
 *     AAAA             AAAA                AAAA          AAAA
 *    PPPPNNNNNN    PPPPNNNNNN    PPPPNNNNNN    PPPPNNNNNN
 *    cannot merge    might become    might become    might become
 *                    PPNNNNNNNNNN    PPPPPPPPPPNN    mmap, brk or
 *    mmap, brk or    case 4 below    case 5 below    mremap move:
 *    mremap move:                                    PPPPXXXXPPPP
 *    AAAA                                            case 1 below
 *    PPPP    NNNN                                    PPPPNNNNXXXX
 *    might become                                    case 7 below
 *    case 1 below                                    PPPPXXXXNNNN
 *    case 2 below                                    case 8 below
 *    case 3 below                                    PPPPPPPPXXXX? (6)
 *
 * Cases 1 and 6 merge prev, the range and next into prev; 2, 5, 7 extend
 * prev; 3 and 8 extend next down (8 removes the middle VMA); 4 moves the
 * prev/next boundary down.  Returns the VMA that covers the range after
 * the merge, or NULL.
 */
struct vm_area_struct *vma_merge(struct mm_struct *mm,
				 struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end,
				 unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file,
				 pgoff_t pgoff, struct mempolicy *policy)
{
	pgoff_t pglen = (end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *area, *next;
	int err;

	/* We later require that vma->vm_flags == vm_flags. */
	if (vm_flags & VM_SPECIAL)
		return NULL;

	if (prev)
		next = prev->vm_next;
	else
		next = mm->mmap;
	area = next;
	if (area && area->vm_end == end)	/* cases 6, 7, 8 */
		next = next->vm_next;

	/* verify some invariant that must be enforced by the caller */
	VM_WARN_ON(prev && addr <= prev->vm_start);
	VM_WARN_ON(area && end > area->vm_end);
	VM_WARN_ON(addr >= end);

	/* Can it merge with the predecessor? */
	if (prev && prev->vm_end == addr &&
	    mpol_equal(vma_policy(prev), policy) &&
	    can_vma_merge_after(prev, vm_flags, anon_vma, file, pgoff)) {
		/* OK, it can.  Can we now merge in the successor as well? */
		if (next && end == next->vm_start &&
		    mpol_equal(policy, vma_policy(next)) &&
		    can_vma_merge_before(next, vm_flags, anon_vma, file,
					 pgoff + pglen) &&
		    is_mergeable_anon_vma(prev->anon_vma, next->anon_vma,
					  NULL)) {
			/* cases 1, 6 */
			err = __vma_adjust(prev, prev->vm_start, next->vm_end,
					   prev->vm_pgoff, NULL, prev);
		} else {
			/* cases 2, 5, 7 */
			err = __vma_adjust(prev, prev->vm_start, end,
					   prev->vm_pgoff, NULL, prev);
		}
		if (err)
			return NULL;
		return prev;
	}

	/* Can this new request be merged in front of next? */
	if (next && end == next->vm_start &&
	    mpol_equal(policy, vma_policy(next)) &&
	    can_vma_merge_before(next, vm_flags, anon_vma, file,
				 pgoff + pglen)) {
		if (prev && addr < prev->vm_end) {	/* case 4 */
			err = __vma_adjust(prev, prev->vm_start, addr,
					   prev->vm_pgoff, NULL, next);
		} else {				/* cases 3, 8 */
			err = __vma_adjust(area, addr, next->vm_end,
					   next->vm_pgoff - pglen, NULL, next);
			/*
			 * In case 3 area is already equal to next and this
			 * is a noop, but in case 8 "area" has been removed
			 * and "next" was expanded over it.
			 */
			area = next;
		}
		if (err)
			return NULL;
		return area;
	}

	return NULL;
}

/* mm/mempolicy.c: the new half gets its own copy of the policy. */
static int vma_dup_policy(struct vm_area_struct *src,
			  struct vm_area_struct *dst)
{
	struct mempolicy *pol = mpol_dup(vma_policy(src));

	if (IS_ERR(pol))
		return PTR_ERR(pol);
	dst->vm_policy = pol;
	return 0;
}

/*
 * __split_vma() bypasses sysctl_max_map_count checking.  We use this
 * where it has already been checked or doesn't make sense to fail.
 * Allocation order: the VMA, its policy copy, the anon_vma link, the file
 * reference.
 */
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		unsigned long addr, int new_below)
{
	struct vm_area_struct *new;
	int err;

	VM_WARN_ON(vma->vm_mm != mm);
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;

	if (new_below) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += ((addr - vma->vm_start) >> PAGE_SHIFT);
	}

	err = vma_dup_policy(vma, new);
	if (err)
		goto out_free_vma;

	err = anon_vma_clone(new, vma);
	if (err)
		goto out_free_mpol;

	if (new->vm_file)
		get_file(new->vm_file);

	if (new_below)
		err = vma_adjust(vma, addr, vma->vm_end, vma->vm_pgoff +
				 ((addr - new->vm_start) >> PAGE_SHIFT), new);
	else
		err = vma_adjust(vma, vma->vm_start, addr, vma->vm_pgoff, new);

	/* Success. */
	if (!err)
		return 0;

	/* Clean everything up if vma_adjust failed. */
	if (new->vm_file)
		fput(new->vm_file);
	unlink_anon_vmas(new);
out_free_mpol:
	mpol_put(vma_policy(new));
out_free_vma:
	new->anon_vma = NULL;
	vm_area_free(new);
	return err;
}

/*
 * Split a vma into two pieces at address 'addr', a new vma is allocated
 * either for the first part or the tail.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
	      unsigned long addr, int new_below)
{
	if (mm->map_count >= sysctl_max_map_count)
		return -ENOMEM;
	return __split_vma(mm, vma, addr, new_below);
}

/* ---- get_unmapped_area ------------------------------------------------ */

struct vm_unmapped_area_info {
	unsigned long length;
	unsigned long low_limit;
	unsigned long high_limit;
};

/*
 * The highest gap of at least info->length between low_limit and
 * high_limit, using rb_subtree_gap to skip subtrees whose largest gap is
 * too small.  Returns the address or -ENOMEM.
 */
static long unmapped_area_topdown(struct mm_struct *mm,
				  struct vm_unmapped_area_info *info)
{
	struct vm_area_struct *vma;
	unsigned long length, low_limit, high_limit, gap_start, gap_end;

	length = info->length;
	if (length < info->length)
		return -ENOMEM;

	/*
	 * Adjust search limits by the desired length.  See implementation
	 * comment at top of unmapped_area().
	 */
	gap_end = info->high_limit;
	if (gap_end < length)
		return -ENOMEM;
	high_limit = gap_end - length;

	if (info->low_limit > high_limit)
		return -ENOMEM;
	low_limit = info->low_limit + length;

	/* Check highest gap, which does not precede any rbtree node */
	gap_start = mm->highest_vm_end;
	if (gap_start <= high_limit)
		goto found_highest;

	/* Check if rbtree root looks promising */
	if (RB_EMPTY_ROOT(&mm->mm_rb))
		return -ENOMEM;
	vma = rb_entry(mm->mm_rb.rb_node, struct vm_area_struct, vm_rb);
	if (vma->rb_subtree_gap < length)
		return -ENOMEM;

	while (true) {
		/* Visit right subtree if it looks promising */
		gap_start = vma->vm_prev ? vm_end_gap(vma->vm_prev) : 0;
		if (gap_start <= high_limit && vma->vm_rb.rb_right) {
			struct vm_area_struct *right =
				rb_entry(vma->vm_rb.rb_right,
					 struct vm_area_struct, vm_rb);
			if (right->rb_subtree_gap >= length) {
				vma = right;
				continue;
			}
		}

check_current:
		/* Check if current node has a suitable gap */
		gap_end = vm_start_gap(vma);
		if (gap_end < low_limit)
			return -ENOMEM;
		if (gap_start <= high_limit &&
		    gap_end > gap_start && gap_end - gap_start >= length)
			goto found;

		/* Visit left subtree if it looks promising */
		if (vma->vm_rb.rb_left) {
			struct vm_area_struct *left =
				rb_entry(vma->vm_rb.rb_left,
					 struct vm_area_struct, vm_rb);
			if (left->rb_subtree_gap >= length) {
				vma = left;
				continue;
			}
		}

		/* Go back up the rbtree to find next candidate node */
		while (true) {
			struct rb_node *prev = &vma->vm_rb;

			if (!rb_parent(prev))
				return -ENOMEM;
			vma = rb_entry(rb_parent(prev),
				       struct vm_area_struct, vm_rb);
			if (prev == vma->vm_rb.rb_right) {
				gap_start = vma->vm_prev ?
					vm_end_gap(vma->vm_prev) : 0;
				goto check_current;
			}
		}
	}

found:
	/* We found a suitable gap.  Clip it with the original high_limit. */
	if (gap_end > info->high_limit)
		gap_end = info->high_limit;

found_highest:
	/* Compute highest gap address at the desired alignment */
	gap_end -= info->length;

	VM_BUG_ON(gap_end < info->low_limit);
	VM_BUG_ON(gap_end < gap_start);
	return gap_end;
}

/*
 * arch_get_unmapped_area_topdown without randomisation: a free, aligned
 * hint wins; otherwise the highest gap below mmap_base.
 */
unsigned long get_unmapped_area(struct mm_struct *mm, struct file *file,
				unsigned long addr, unsigned long len,
				unsigned long pgoff, unsigned long flags)
{
	struct vm_area_struct *vma, *prev;
	struct vm_unmapped_area_info info;

	(void)file;
	(void)pgoff;
	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (len > TASK_SIZE - mmap_min_addr)
		return -ENOMEM;

	/* requesting a specific address */
	if (addr) {
		addr = PAGE_ALIGN(addr);
		if (addr >= mmap_min_addr && TASK_SIZE - len >= addr) {
			vma = find_vma_prev(mm, addr, &prev);
			if ((!vma || addr + len <= vm_start_gap(vma)) &&
			    (!prev || addr >= vm_end_gap(prev)))
				return addr;
		}
	}

	info.length = len;
	info.low_limit = mmap_min_addr;
	info.high_limit = mm->mmap_base;
	return unmapped_area_topdown(mm, &info);
}

/* ---- mmap ------------------------------------------------------------- */

static inline unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Private writable mappings are charged (VM_ACCOUNT), as in 4.16. */
static inline int accountable_mapping(struct file *file, vm_flags_t vm_flags)
{
	(void)file;
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/*
 * mm/shmem.c: a shared anonymous mapping is backed by a new object of its
 * own (an unlinked shmem file of the mapping's size).
 */
static int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct file *file;

	file = file_alloc(vma->vm_end - vma->vm_start, 0);
	if (!file)
		return -ENOMEM;
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = file;
	return 0;
}

/*
 * The merge step of 6.1's mmap_region (mm->mmap_merge_next_first), on
 * the 4.16 primitives.  6.1 looks at next first: it can take the new
 * range in front if compatible, judged with no anon_vma on the new side.
 * Only then prev: it must be compatible with the anon_vma the result will
 * have, i.e. next's when next was taken.  With next written (anon_vma
 * set), a prev without anon_vma is refused (its anon_vma_chain is empty,
 * not singular) and so is a prev with another anon_vma: the range joins
 * next alone, where 4.16's vma_merge, trying prev first, would make one
 * VMA of all three or join prev.  6.1's vma_expand is __vma_adjust's
 * case 1 (prev over the range and next), 2 (prev over the range) or 3
 * (next down over the range) here.
 */
static struct vm_area_struct *
mmap_expand_next_first(struct mm_struct *mm, struct vm_area_struct *prev,
		       unsigned long addr, unsigned long end,
		       unsigned long vm_flags, struct file *file, pgoff_t pgoff)
{
	pgoff_t pglen = (end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *next, *vma = NULL;
	int err;

	if (vm_flags & VM_SPECIAL)
		return NULL;
	next = prev ? prev->vm_next : mm->mmap;

	if (next && next->vm_start == end && !vma_policy(next) &&
	    can_vma_merge_before(next, vm_flags, NULL, file, pgoff + pglen))
		vma = next;
	if (prev && prev->vm_end == addr && !vma_policy(prev) &&
	    can_vma_merge_after(prev, vm_flags, vma ? vma->anon_vma : NULL,
				file, pgoff)) {
		err = __vma_adjust(prev, prev->vm_start,
				   vma ? next->vm_end : end, prev->vm_pgoff,
				   NULL, prev);
		return err ? NULL : prev;
	}
	if (!vma)
		return NULL;
	err = __vma_adjust(next, addr, next->vm_end, next->vm_pgoff - pglen,
			   NULL, next);
	return err ? NULL : next;
}

static long mmap_region(struct mm_struct *mm, struct file *file,
			unsigned long addr, unsigned long len,
			vm_flags_t vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma, *prev = NULL;
	struct rb_node **rb_link = NULL, *rb_parent = NULL;
	unsigned long stale;
	int error;

	/* Clear old maps */
	while (find_vma_links(mm, addr, addr + len, &prev, &rb_link,
			      &rb_parent)) {
		if (do_munmap(mm, addr, len))
			return -ENOMEM;
	}

	/*
	 * The range has no VMA now, so it must have no page either: a page
	 * here was installed by a fault that raced with the unmap and lost
	 * the race without noticing (the SPF re-checks exist to prevent it).
	 */
	stale = pt_count_range(mm, addr, addr + len);
	WARN(stale, "mmap_region: %lu stale pages in unmapped [%lx,%lx)",
	     stale, addr, addr + len);

	/* Private writable mapping: check memory availability */
	if (accountable_mapping(file, vm_flags))
		vm_flags |= VM_ACCOUNT;

	/* Can we just expand an old mapping? */
	if (mm->mmap_merge_next_first)
		vma = mmap_expand_next_first(mm, prev, addr, addr + len,
					     vm_flags, file, pgoff);
	else
		vma = vma_merge(mm, prev, addr, addr + len, vm_flags, NULL,
				file, pgoff, NULL);
	if (vma)
		return addr;

	/*
	 * Determine the object being mapped and call the appropriate
	 * specific mapper.
	 */
	vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;

	if (file) {
		vma->vm_file = get_file(file);
	} else if (vm_flags & VM_SHARED) {
		error = shmem_zero_setup(vma);
		if (error)
			goto free_vma;
	}

	vma_link(mm, vma, prev, rb_link, rb_parent);
	return addr;

free_vma:
	vm_area_free(vma);
	return error;
}

/*
 * The part of do_mmap that runs under mmap_sem (write): the argument
 * checks that need the mm, the address, the flags, the region.  len is
 * already page aligned.
 */
long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr,
	     unsigned long len, unsigned long prot, unsigned long flags,
	     unsigned long pgoff)
{
	vm_flags_t vm_flags;
	long ret;

	lockdep_assert_held_write(&mm->mmap_sem);

	if (flags & MAP_FIXED) {
		if (addr > TASK_SIZE || len > TASK_SIZE - addr)
			return -ENOMEM;
		if (addr < mmap_min_addr)
			return -EPERM;
	}

	/* Too many mappings? */
	if (mm->map_count >= sysctl_max_map_count)
		return -ENOMEM;

	/*
	 * Obtain the address to map to. we verify (or select) it and
	 * ensure that it represents a valid section of the address space.
	 */
	ret = (long)get_unmapped_area(mm, file, addr, len, pgoff, flags);
	if (ret < 0)
		return ret;
	addr = ret;

	/* calc_vm_flag_bits: MAP_GROWSDOWN is the model's only such flag */
	vm_flags = calc_vm_prot_bits(prot) |
		   (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) |
		   VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (file) {
		/* all files are open read-write */
		if ((flags & MAP_TYPE) == MAP_SHARED)
			vm_flags |= VM_SHARED | VM_MAYSHARE;
	} else {
		if ((flags & MAP_TYPE) == MAP_SHARED) {
			/* shmem cannot grow */
			if (vm_flags & VM_GROWSDOWN)
				return -EINVAL;
			/* Ignore pgoff. */
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
		} else {
			/* Set pgoff according to addr for anon_vma. */
			pgoff = addr >> PAGE_SHIFT;
		}
	}

	return mmap_region(mm, file, addr, len, vm_flags, pgoff);
}

/*
 * ksys_mmap_pgoff + vm_mmap_pgoff: the checks on the arguments alone,
 * the fd lookup (a temporary file reference, as fget), then do_mmap under
 * mmap_sem.  Returns the address or a negative errno.
 */
long ksys_mmap_pgoff(struct mm_struct *mm, unsigned long addr,
		     unsigned long len, unsigned long prot,
		     unsigned long flags, int fd, unsigned long pgoff)
{
	struct file *file = NULL;
	unsigned long type;
	long ret;

	if (flags & ~(unsigned long)(MAP_SHARED | MAP_PRIVATE | MAP_FIXED |
				     MAP_ANONYMOUS | MAP_GROWSDOWN))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!len)
		return -EINVAL;
	type = flags & MAP_TYPE;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if ((flags & MAP_FIXED) && offset_in_page(addr))
		return -EINVAL;
	/* Careful about overflows.. (PAGE_ALIGN would wrap past TASK_SIZE) */
	if (len > TASK_SIZE)
		return -ENOMEM;
	len = PAGE_ALIGN(len);
	/* offset overflow? */
	if ((pgoff + (len >> PAGE_SHIFT)) < pgoff)
		return -EOVERFLOW;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fget(fd);
		if (!file)
			return -EBADF;
	}

	mmap_write_lock(mm);
	ret = do_mmap(mm, file, addr, len, prot, flags, pgoff);
	mmap_write_unlock(mm);

	if (file)
		fput(file);
	return ret;
}

/* ---- stack growth ----------------------------------------------------- */

/* 4.16's default stack_guard_gap ("stack_guard_gap=" on the command line). */
static const unsigned long stack_guard_gap = 256UL << PAGE_SHIFT;

/*
 * acct_stack_growth: of 4.16's limits the model keeps RLIMIT_STACK, at its
 * usual default (8 MiB); it has no locked or accounted memory, no
 * hugetlb ranges and no overcommit policy.
 */
#define TB_RLIMIT_STACK		(8UL << 20)

static int acct_stack_growth(struct vm_area_struct *vma, unsigned long size,
			     unsigned long grow)
{
	(void)vma;
	(void)grow;
	if (size > TB_RLIMIT_STACK)
		return -ENOMEM;
	return 0;
}

/*
 * expand_downwards (4.16 mm/mmap.c): extend a VM_GROWSDOWN vma down to
 * address.  On the 4.16 designs the caller holds mmap_sem for read only,
 * so expansions of this and of other VMAs may race: 4.16 serialises them
 * with anon_vma_lock_write (the same VMA) and mm->page_table_lock (the
 * gaps and the tree).  The model has no anon_vma lock (it has no
 * interval tree for it to protect), so the re-check and the update both
 * run under page_table_lock, which orders same-VMA expansions as well.
 * The SPF series puts the update in a vm_sequence write section (a
 * speculative fault that sampled the old bounds aborts, SEQ_CHANGED).
 * mmu-pvl models the kernel as fixed in 6.4.1/6.5: the caller holds
 * mmap_sem for write ("mm: always expand the stack with the mmap write
 * lock held") and the VMA is write-locked first ("mm: lock a vma before
 * stack expansion"), so no fault holds it under its own lock meanwhile.
 */
static int expand_downwards(struct vm_area_struct *vma, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev;
	unsigned long size, grow;
	int error;

	address &= PAGE_MASK;
	/* security_mmap_addr: the model's caller has no CAP_SYS_RAWIO */
	if (address < mmap_min_addr)
		return -EPERM;

	/* Enforce stack_guard_gap against an accessible neighbour below. */
	prev = vma->vm_prev;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) &&
	    (prev->vm_flags & (VM_WRITE | VM_READ | VM_EXEC)) &&
	    address - prev->vm_end < stack_guard_gap)
		return -ENOMEM;

	/* We must make sure the anon_vma is allocated. */
	if (unlikely(anon_vma_prepare(vma)))
		return -ENOMEM;

#ifdef CONFIG_PER_VMA_LOCK
	/* Lock the VMA before expanding to prevent concurrent page faults */
	vm_write_begin(vma);
#endif
	spin_lock(&mm->page_table_lock);
	/* Somebody else might have raced and expanded it already */
	error = 0;
	if (address < vma->vm_start) {
		size = vma->vm_end - address;
		grow = (vma->vm_start - address) >> PAGE_SHIFT;
		error = -ENOMEM;
		if (grow <= vma->vm_pgoff) {
			error = acct_stack_growth(vma, size, grow);
			if (!error) {
#ifndef CONFIG_PER_VMA_LOCK
				vm_write_begin(vma);
#endif
				unsigned long old_start = vma->vm_start;

				WRITE_ONCE(vma->vm_start, address);
				WRITE_ONCE(vma->vm_pgoff, vma->vm_pgoff - grow);
#ifndef CONFIG_PER_VMA_LOCK
				vm_write_end(vma);
#endif
				/* 6.1+: mas_store_prealloc of the grown range */
				vma_mt_move(mm, vma, old_start, vma->vm_end);
				vma_gap_update(vma);
			}
		}
	}
	spin_unlock(&mm->page_table_lock);
#ifdef CONFIG_PER_VMA_LOCK
	vm_write_end(vma);
#endif
	return error;
}

/* expand_stack: x86's stack grows down. */
int expand_stack(struct vm_area_struct *vma, unsigned long address)
{
	return expand_downwards(vma, address);
}

/* ---- munmap ----------------------------------------------------------- */

/*
 * unmap_vmas/unmap_single_vma/unmap_page_range: zap the populated pages
 * of [start_addr, end_addr) that lie in the detached VMAs, under the
 * split PTE locks, each VMA inside a vm_sequence write section (SPF).
 */
static void unmap_vmas(struct mm_struct *mm, struct vm_area_struct *vma,
		       unsigned long start_addr, unsigned long end_addr)
{
	for (; vma && vma->vm_start < end_addr; vma = vma->vm_next) {
		unsigned long start = max(vma->vm_start, start_addr);
		unsigned long end = min(vma->vm_end, end_addr);

		if (start >= end)
			continue;
		vm_write_begin(vma);
		zap_page_range(mm, start, end);
		vm_write_end(vma);
	}
}

/*
 * free_pgtables: the part the model has, unlinking the anon_vmas, each
 * in a write section ("mm: protect SPF handler against anon_vma
 * changes"): a speculative fault checked anon_vma before the lock.
 */
static void free_pgtables(struct vm_area_struct *vma)
{
	while (vma) {
		struct vm_area_struct *next = vma->vm_next;

		vm_write_begin(vma);
		unlink_anon_vmas(vma);
		vm_write_end(vma);
		vma = next;
	}
}

/*
 * Get rid of page table information in the indicated region.
 * Called with the mm semaphore held.
 */
static void unmap_region(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long start, unsigned long end)
{
	unmap_vmas(mm, vma, start, end);
	free_pgtables(vma);
}

/*
 * Close a vm structure and drop its reference; returns the next one.
 * SPF: the VMA may live on while get_vma holders still have it.
 */
static struct vm_area_struct *remove_vma(struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next;

	vma_drop_tree_ref(vma);
	return next;
}

/*
 * Ok - we have the memory areas we should free on the vma list, so
 * release them, and do the vma updates.
 */
static void remove_vma_list(struct mm_struct *mm, struct vm_area_struct *vma)
{
	(void)mm;
	do {
		/* the tree's reference goes only once the VMA left the tree */
		VM_WARN_ON(!RB_EMPTY_NODE(&vma->vm_rb));
		vma = remove_vma(vma);
	} while (vma);
}

/*
 * Create a list of vma's touched by the unmap, removing them from the
 * mm's vma list as we go..
 */
static void detach_vmas_to_be_unmapped(struct mm_struct *mm,
				       struct vm_area_struct *vma,
				       struct vm_area_struct *prev,
				       unsigned long end)
{
	struct vm_area_struct **insertion_point;
	struct vm_area_struct *tail_vma = NULL;

	insertion_point = (prev ? &prev->vm_next : &mm->mmap);
	vma->vm_prev = NULL;
	do {
		vma_rb_erase(vma, mm);
		mm->map_count--;
		tail_vma = vma;
		vma = vma->vm_next;
	} while (vma && vma->vm_start < end);
	*insertion_point = vma;
	if (vma) {
		vma->vm_prev = prev;
		vma_gap_update(vma);
	} else {
		mm->highest_vm_end = prev ? vm_end_gap(prev) : 0;
	}
	tail_vma->vm_next = NULL;
}

/*
 * Munmap is split into 2 main parts -- this part which finds what needs
 * doing, and the areas themselves, which do the work.  This now handles
 * partial unmappings.  The caller holds mmap_sem for write; the argument
 * checks are done here, as in 4.16.
 */
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	unsigned long end;
	struct vm_area_struct *vma, *prev, *last;

	lockdep_assert_held_write(&mm->mmap_sem);

	if (offset_in_page(start))
		return -EINVAL;
	if (len == 0)
		return -EINVAL;
	if (start > TASK_SIZE || len > TASK_SIZE - start ||
	    PAGE_ALIGN(len) > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);

	/* Find the first overlapping VMA */
	vma = find_vma(mm, start);
	if (!vma)
		return 0;
	prev = vma->vm_prev;
	/* we have  start < vma->vm_end  */

	/* if it doesn't overlap, we have nothing.. */
	end = start + len;
	if (vma->vm_start >= end)
		return 0;

	/*
	 * If we need to split any vma, do it now to save pain later.
	 *
	 * Note: mremap's move_vma VM_ACCOUNT handling assumes a partially
	 * unmapped vm_area_struct will remain in use: so lower split_vma
	 * places tmp vma above, and higher split_vma places tmp vma below.
	 */
	if (start > vma->vm_start) {
		int error;

		/*
		 * Make sure that map_count on return from munmap() will
		 * not exceed its limit; but let map_count go just above
		 * its limit temporarily, to help free resources as expected.
		 */
		if (end < vma->vm_end && mm->map_count >= sysctl_max_map_count)
			return -ENOMEM;

		error = __split_vma(mm, vma, start, 0);
		if (error)
			return error;
		prev = vma;
	}

	/* Does it split the last one? */
	last = find_vma(mm, end);
	if (last && end > last->vm_start) {
		int error = __split_vma(mm, last, end, 1);

		if (error)
			return error;
	}
	vma = prev ? prev->vm_next : mm->mmap;

	/* Remove the vma's, and unmap the actual pages */
	detach_vmas_to_be_unmapped(mm, vma, prev, end);
	unmap_region(mm, vma, start, end);

	/* Fix up all other VM information */
	remove_vma_list(mm, vma);
	return 0;
}

int vm_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	int ret;

	if (munmap_range_invalid(start, len))
		return -EINVAL;
	mmap_write_lock(mm);
	ret = do_munmap(mm, start, len);
	mmap_write_unlock(mm);
	return ret;
}

/* ---- fork ------------------------------------------------------------- */

/*
 * dup_mmap's copy of one parent VMA for the child mm (4.16 kernel/fork.c:
 * "*tmp = *mpnt", then the policy, the anon_vma, the file reference).
 * NULL with *err set when an allocation failed (nothing left behind).
 */
static struct vm_area_struct *dup_vma(struct mm_struct *mm,
				      struct vm_area_struct *mpnt, int *err)
{
	struct vm_area_struct *tmp = vm_area_alloc(mm);

	*err = -ENOMEM;
	if (!tmp)
		return NULL;
	tmp->vm_start = mpnt->vm_start;
	tmp->vm_end = mpnt->vm_end;
	tmp->vm_flags = mpnt->vm_flags;
	tmp->vm_pgoff = mpnt->vm_pgoff;
	tmp->vm_file = mpnt->vm_file;
	*err = vma_dup_policy(mpnt, tmp);
	if (*err)
		goto fail_policy;
	if (tmp->vm_flags & VM_WIPEONFORK) {
		/*
		 * VM_WIPEONFORK gets a clean slate in the child: no pages,
		 * an anon_vma of its own (4.16 runs anon_vma_prepare with
		 * tmp's list pointers still the parent's; here tmp has no
		 * neighbours yet, so nothing is merged with).
		 */
		*err = anon_vma_prepare(tmp) ? -ENOMEM : 0;
	} else {
		*err = anon_vma_fork(tmp, mpnt);
	}
	if (*err)
		goto fail_anon_vma;
	if (tmp->vm_file)
		get_file(tmp->vm_file);
	return tmp;

fail_anon_vma:
	mpol_put(vma_policy(tmp));
fail_policy:
	vm_area_free(tmp);
	return NULL;
}

/*
 * dup_mmap (4.16 kernel/fork.c) into mm, new and empty: every VMA of
 * oldmm but the VM_DONTCOPY ones is copied and linked in address order,
 * and its page table copied (copy_page_range) unless VM_WIPEONFORK.
 * mmap_sem is held for write on both mms (the child's is taken with a
 * trylock, which cannot fail on a new mm: 4.16's down_write_nested), and
 * the parent's TLB is flushed before its mmap_sem is released.
 *
 * A fault that does not take mmap_sem must not run on a parent VMA
 * while its table is copied and until that flush: its write fault
 * would copy (wp_page_copy) a page another thread may still write
 * through a stale writable TLB entry.  Each parent VMA's write section
 * is opened before it is copied and closed after the flush: on mmu-pvl
 * and mmu-vmrefcnt vma_start_write (6.4.1 "fork: lock VMAs of the
 * parent process when forking"; the mark lasts until
 * mmap_write_unlock), on the SPF designs the vm_sequence write section,
 * which the speculative fault checks (the series' rule for every VMA
 * change; docs/model.md, Fork, says what the series itself did).
 */
int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp, *prev = NULL, *last = NULL;
	struct rb_node **rb_link = &mm->mm_rb.rb_node, *rb_parent = NULL;
	int retval = 0;

	mmap_write_lock(oldmm);
	if (!down_write_trylock(&mm->mmap_sem))
		BUG();
	for (mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		vm_write_begin_nested(mpnt);
		last = mpnt;
		tmp = dup_vma(mm, mpnt, &retval);
		if (!tmp)
			goto out;
		/* Link in the new vma and copy the page table entries. */
		__vma_link_list(mm, tmp, prev, rb_parent);
		__vma_link_rb(mm, tmp, rb_link, rb_parent);
		rb_link = &tmp->vm_rb.rb_right;
		rb_parent = &tmp->vm_rb;
		mm->map_count++;
		prev = tmp;
		if (!(tmp->vm_flags & VM_WIPEONFORK))
			retval = copy_page_range(mm, oldmm, tmp, mpnt);
		if (retval)
			goto out;
	}
out:
	mmap_write_unlock(mm);
	flush_tlb_mm(oldmm);
	for (mpnt = oldmm->mmap; last && mpnt; mpnt = mpnt->vm_next) {
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		vm_write_end(mpnt);
		if (mpnt == last)
			break;
	}
	mmap_write_unlock(oldmm);
	return retval;
}

/*
 * Release all mmaps.  The last user is gone (mm_users == 0): no thread
 * can fault or call get_vma any more, which is why the series' exit_mmap
 * neither erases the VMAs from mm_rb nor takes mm_rb_lock, and lets
 * remove_vma drop each tree reference with the node still linked.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma = mm->mmap;

	WARN(atomic_read(&mm->mm_users), "exit_mmap: mm still has %d users",
	     atomic_read(&mm->mm_users));
#ifdef TB_VMA_FREE_RCU
	/*
	 * The VMAs earlier write sections handed to call_rcu, also when none
	 * is left; the ones below are unreachable and freed at once.
	 */
	vma_rcu_barrier(mm);
#endif
	if (!vma)
		return;
	unmap_vmas(mm, vma, 0, -1UL);
	free_pgtables(vma);
	/*
	 * Walk the list again, actually closing and freeing it.  As in
	 * 4.16 the VMAs are not erased from mm_rb one by one; the tree is
	 * simply forgotten.
	 */
	while (vma) {
#ifdef CONFIG_VMA_REFCNT
		/*
		 * 6.15's exit_mmap detaches each VMA before the free: the
		 * cache is typesafe, and a free VMA must read as detached
		 * (vm_refcnt 0) to a stale reader of its next life.
		 */
		vma_start_write(vma);
		vma_mark_detached(vma, true);
#endif
		vma = remove_vma(vma);
	}
	mm->mmap = NULL;
	mm->mm_rb = RB_ROOT;
#ifdef TB_MM_MT
	/* 6.4: __mt_destroy; its nodes go to call_rcu */
	tb_mt_free(mm->mm_mt);
	mm->mm_mt = NULL;
#endif
	mm->map_count = 0;
	mm->highest_vm_end = 0;
}

/* ---- validate_mm ------------------------------------------------------ */

static int browse_rb(struct mm_struct *mm)
{
	struct rb_root *root = &mm->mm_rb;
	int i = 0, j, bug = 0;
	struct rb_node *nd, *pn = NULL;
	unsigned long prev = 0, pend = 0;

	for (nd = rb_first(root); nd; nd = rb_next(nd)) {
		struct vm_area_struct *vma;

		vma = rb_entry(nd, struct vm_area_struct, vm_rb);
		if (WARN(vma->vm_start < prev,
			 "vm_start %lx < prev %lx", vma->vm_start, prev))
			bug = 1;
		if (WARN(vma->vm_start < pend,
			 "vm_start %lx < pend %lx", vma->vm_start, pend))
			bug = 1;
		if (WARN(vma->vm_start > vma->vm_end,
			 "vm_start %lx > vm_end %lx", vma->vm_start,
			 vma->vm_end))
			bug = 1;
		if (WARN(vma->rb_subtree_gap != vma_compute_subtree_gap(vma),
			 "free gap %lx, correct %lx", vma->rb_subtree_gap,
			 vma_compute_subtree_gap(vma)))
			bug = 1;
		i++;
		pn = nd;
		prev = vma->vm_start;
		pend = vma->vm_end;
	}
	j = 0;
	for (nd = pn; nd; nd = rb_prev(nd))
		j++;
	if (WARN(i != j, "backwards %d, forwards %d", j, i))
		bug = 1;
	return bug ? -1 : i;
}

struct pt_check {
	int bugs;
};

static int check_page_covered(struct mm_struct *mm, unsigned long addr,
			      u64 vma_id, void *arg)
{
	struct pt_check *c = arg;
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (WARN(!vma || vma->vm_start > addr,
		 "page %lx (populated by VMA %llu) is not covered by a VMA",
		 addr, (unsigned long long)vma_id))
		c->bugs++;
	return 0;
}

/*
 * 4.16 validate_mm (list and tree agree on map_count, highest_vm_end,
 * sorted, no overlap, rb_subtree_gap right) plus: list and tree hold the
 * same VMAs in the same order, every VMA in the tree holds its tree
 * reference (SPF), no VMA in the tree is freed, and every populated page
 * is covered by a VMA.  Caller holds mmap_sem (read is enough).  Returns
 * the number of problems, each recorded as a violation.
 */
#ifdef TB_MM_MT
/*
 * mm_mt maps exactly the list: each VMA over [vm_start, vm_end) (in one
 * range or adjacent ones), nothing else.
 */
static int validate_mm_mt(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long addr = 0, first, last;
	void *entry;

	if (!mm->mm_mt)		/* exit_mmap destroyed it */
		return 0;
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		addr = vma->vm_start;
		do {
			entry = tb_mt_find(mm->mm_mt, addr, ULONG_MAX, &first,
					   &last);
			if (WARN(entry != vma || first != addr ||
				 last > vma->vm_end - 1,
				 "mm_mt does not map VMA %llu over [%lx,%lx) at %lx",
				 (unsigned long long)vma->tb_id,
				 vma->vm_start, vma->vm_end, addr))
				return 1;
			addr = last + 1;
		} while (last != vma->vm_end - 1);
	}
	entry = tb_mt_find(mm->mm_mt, addr, ULONG_MAX, &first, &last);
	if (WARN(entry && mm->mmap, "mm_mt maps [%lx,%lx] past the last VMA",
		 first, last) ||
	    WARN(entry && !mm->mmap, "mm_mt maps [%lx,%lx] with no VMA",
		 first, last))
		return 1;
	return 0;
}
#endif

int validate_mm(struct mm_struct *mm)
{
	int bugs = 0, i = 0, rb_count;
	unsigned long highest_address = 0;
	struct vm_area_struct *vma = mm->mmap, *prev = NULL;
	struct rb_node *nd = rb_first(&mm->mm_rb);
	struct pt_check pc = { 0 };

	lockdep_assert_held(&mm->mmap_sem);

	while (vma) {
		struct vm_area_struct *tree_vma = nd ?
			rb_entry(nd, struct vm_area_struct, vm_rb) : NULL;

		if (WARN(kmem_obj_freed(vma), "freed VMA id %llu on the list",
			 (unsigned long long)kmem_obj_id(vma))) {
			bugs++;
			break;
		}
		if (WARN(tree_vma != vma,
			 "list VMA %llu [%lx,%lx) is not the tree's next",
			 (unsigned long long)vma->tb_id, vma->vm_start,
			 vma->vm_end))
			bugs++;
		if (WARN(vma->vm_prev != prev, "VMA %llu: vm_prev is wrong",
			 (unsigned long long)vma->tb_id))
			bugs++;
		if (WARN(RB_EMPTY_NODE(&vma->vm_rb),
			 "VMA %llu on the list has an empty rb node",
			 (unsigned long long)vma->tb_id))
			bugs++;
#ifdef CONFIG_PER_VMA_LOCK
		if (WARN(READ_ONCE(vma->vm_lock_seq) ==
			 READ_ONCE(mm->mm_lock_seq),
			 "VMA %llu write-locked outside a write section",
			 (unsigned long long)vma->tb_id))
			bugs++;
#ifdef CONFIG_VMA_REFCNT
		if (WARN(atomic_read(&vma->vm_refcnt) < 1 ||
			 atomic_read(&vma->vm_refcnt) >= VMA_LOCK_OFFSET,
			 "VMA %llu on the list has vm_refcnt %#x",
			 (unsigned long long)vma->tb_id,
			 atomic_read(&vma->vm_refcnt)))
			bugs++;
#else
		if (WARN(READ_ONCE(vma->detached),
			 "VMA %llu on the list is marked detached",
			 (unsigned long long)vma->tb_id))
			bugs++;
#endif
#endif
#ifdef TB_VMA_REFCOUNT
		if (WARN(atomic_read(&vma->vm_ref_count) < 1,
			 "VMA %llu in the tree has vm_ref_count %d",
			 (unsigned long long)vma->tb_id,
			 atomic_read(&vma->vm_ref_count)))
			bugs++;
#endif
		if (WARN(vma->vm_start >= vma->vm_end ||
			 offset_in_page(vma->vm_start) ||
			 offset_in_page(vma->vm_end),
			 "VMA %llu has a bad range [%lx,%lx)",
			 (unsigned long long)vma->tb_id, vma->vm_start,
			 vma->vm_end))
			bugs++;
		if (WARN(raw_read_seqcount(&vma->vm_sequence) & 1,
			 "VMA %llu: vm_sequence odd with mmap_sem held",
			 (unsigned long long)vma->tb_id))
			bugs++;
		highest_address = vm_end_gap(vma);
		prev = vma;
		vma = vma->vm_next;
		nd = nd ? rb_next(nd) : NULL;
		i++;
	}
	if (WARN(i != mm->map_count, "map_count %d vm_next %d",
		 mm->map_count, i))
		bugs++;
#ifdef TB_MM_MT
	bugs += validate_mm_mt(mm);
#endif
	if (WARN(highest_address != mm->highest_vm_end,
		 "mm->highest_vm_end %lx, found %lx", mm->highest_vm_end,
		 highest_address))
		bugs++;
	rb_count = browse_rb(mm);
	if (rb_count < 0)
		bugs++;
	else if (WARN(rb_count != mm->map_count, "map_count %d rb %d",
		      mm->map_count, rb_count))
		bugs++;

	pt_for_each(mm, check_page_covered, &pc);
	return bugs + pc.bugs;
}
