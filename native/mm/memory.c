// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/memory.c - the page-table model and the two anonymous fault paths:
 * the classic one under mmap_sem (4.16 handle_mm_fault reduced to
 * do_anonymous_page), and handle_speculative_fault of the SPF series,
 * which runs without mmap_sem on a VMA pinned by get_vma().
 *
 * A "page" is only a populated address: page-table pages of 512 entries
 * (struct pte_table), each remembering the id of the VMA that populated
 * the page, each under its own split PTE lock.  munmap/exit zap pages
 * under the same locks.
 */
#include "mm/internal.h"
#include "kernel/lockdep.h"
#include "kernel/page_alloc.h"
#include "kernel/irqflags.h"

/* ---- page-table model ------------------------------------------------- */

static unsigned long pt_dir_hash(unsigned long addr)
{
	u64 h = (addr >> PMD_SHIFT) * 0x9e3779b97f4a7c15ULL;

	return (unsigned long)(h >> 32) & (PT_DIR_BUCKETS - 1);
}

static unsigned long pt_ptl_hash(const void *ptl)
{
	u64 h = (u64)(uintptr_t)ptl * 0x9e3779b97f4a7c15ULL;

	return (unsigned long)(h >> 32) & (PT_DIR_BUCKETS - 1);
}

/*
 * The page behind an entry (kernel/page_alloc.h): only the perf flavour
 * takes real pages, so only its tables have room for them.
 */
#ifdef TB_PERF
static void pte_set_page(struct pte_table *t, unsigned long i, void *page)
{
	t->page[i] = page;
}

static void *pte_page(struct pte_table *t, unsigned long i)
{
	return t->page[i];
}
#else
static void pte_set_page(struct pte_table *t, unsigned long i, void *page)
{
	(void)t;
	(void)i;
	(void)page;
}

static void *pte_page(struct pte_table *t, unsigned long i)
{
	(void)t;
	(void)i;
	return NULL;
}
#endif

static struct page_share *pte_share(struct pte_table *t, unsigned long i)
{
	return t->share ? t->share[i] : NULL;
}

/*
 * The entry's page goes (zap, or a COW copy replaced it): a page shared
 * by fork loses one mapping (page_remove_rmap, put_page) and is freed
 * with the last; a page mapped once is freed.  The mapcount is not a
 * scheduling point: only the PTE locks order its users.
 */
static void pte_put_page(struct pte_table *t, unsigned long i)
{
	struct page_share *s = pte_share(t, i);

	if (s) {
		t->share[i] = NULL;
		pte_set_page(t, i, NULL);
		if (__atomic_sub_fetch(&s->mapcount.counter, 1,
				       __ATOMIC_ACQ_REL) == 0) {
			free_page(s->data);
			free(s);
		}
		return;
	}
	free_page(pte_page(t, i));
	pte_set_page(t, i, NULL);
}

int pt_init(struct mm_struct *mm)
{
	mm->pt.nr_tables = 0;
	mm->pt.dir = calloc(PT_DIR_BUCKETS, sizeof(*mm->pt.dir));
	mm->pt.by_ptl = calloc(PT_DIR_BUCKETS, sizeof(*mm->pt.by_ptl));
	if (mm->pt.dir && mm->pt.by_ptl)
		return 0;
	free(mm->pt.dir);
	free(mm->pt.by_ptl);
	return -ENOMEM;
}

void pt_destroy(struct mm_struct *mm)
{
	unsigned long i;

	if (!mm->pt.dir)
		return;
	for (i = 0; i < PT_DIR_BUCKETS; i++) {
		struct pte_table *t = mm->pt.dir[i], *next;

		for (; t; t = next) {
			unsigned long j;

			next = t->next;
			for (j = 0; j < PTRS_PER_PTE; j++)
				if (t->pte[j])
					pte_put_page(t, j);
			free(t->share);
			spin_lock_destroy(&t->ptl);
			free(t);
		}
	}
	free(mm->pt.dir);
	free(mm->pt.by_ptl);
	mm->pt.dir = NULL;
	mm->pt.by_ptl = NULL;
}

static struct pte_table *pt_first(const struct mm_struct *mm,
				  unsigned long bucket)
{
	return __atomic_load_n(&mm->pt.dir[bucket], __ATOMIC_ACQUIRE);
}

/*
 * The walk to the table (pte_offset_map): without a lock, as the kernel's
 * walk of the upper levels; a table is published complete (release) and
 * stays until the mm goes.  NULL: pmd_none.
 */
static struct pte_table *pte_offset_map(struct mm_struct *mm,
					unsigned long address)
{
	unsigned long addr = address & PMD_MASK;
	struct pte_table *t;

	for (t = pt_first(mm, pt_dir_hash(addr)); t; t = t->next)
		if (t->addr == addr)
			return t;
	return NULL;
}

/*
 * __pte_alloc: allocate the table outside the lock, install it under
 * mm->page_table_lock unless a racing fault did first (then free ours).
 */
struct pte_table *pte_alloc(struct mm_struct *mm, unsigned long address)
{
	struct pte_table *t = pte_offset_map(mm, address), *new;
	unsigned long bucket = pt_dir_hash(address & PMD_MASK), by_ptl;

	if (likely(t))
		return t;
	new = calloc(1, sizeof(*new));
	if (!new)
		abort();	/* host out of memory: not a model state */
	__spin_lock_init(&new->ptl, "ptlock");
	new->addr = address & PMD_MASK;
	spin_lock(&mm->page_table_lock);
	t = pte_offset_map(mm, address);
	if (likely(!t)) {
		new->next = mm->pt.dir[bucket];
		__atomic_store_n(&mm->pt.dir[bucket], new, __ATOMIC_RELEASE);
		by_ptl = pt_ptl_hash(&new->ptl);
		new->next_by_ptl = mm->pt.by_ptl[by_ptl];
		__atomic_store_n(&mm->pt.by_ptl[by_ptl], new, __ATOMIC_RELEASE);
		/* read without the lock by pt_for_each_table */
		__atomic_store_n(&mm->pt.nr_tables, mm->pt.nr_tables + 1,
				 __ATOMIC_RELAXED);
		t = new;
		new = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (unlikely(new)) {
		spin_lock_destroy(&new->ptl);
		free(new);
	}
	return t;
}

static unsigned long pte_index(unsigned long address)
{
	return (address >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

/*
 * set_pte_at: populate address for the VMA vma_id (no-op if present).  A
 * new_page fault (a private write: do_anonymous_page, wp_page_copy) takes
 * a zeroed page (perf flavour only), which the zap gives back.  The kernel
 * allocates it before taking the PTE lock; here it is taken under it,
 * once the entry is known to be new.
 */
void pt_populate(struct pte_table *pte, unsigned long address, u64 vma_id,
		 bool new_page)
{
	unsigned long i = pte_index(address);
	u64 *e = &pte->pte[i];

	lockdep_assert_held(&pte->ptl);
	if (*e)
		return;
	*e = vma_id | (new_page ? PTE_ANON : 0);
	pte_set_page(pte, i, new_page ? alloc_zeroed_page() : NULL);
	pte->nr_pages++;
}

/*
 * do_wp_page on a present entry fork write-protected, with the table's
 * lock held, for a write by the VMA vma_id: an anonymous page mapped by
 * this mm alone is reused (wp_page_reuse: made writable again); any
 * other (still shared with the other mm, or the zero page or a page-cache
 * page) is copied (wp_page_copy: a new anonymous page of this VMA, the
 * old one loses a mapping).  A write protection still waiting for its
 * TLB flush means another thread may be writing the old page through its
 * stale writable entry: the copy would miss those writes and they would
 * land in the page the other mm now maps (6.4's fork bug).
 */
static void do_wp_page(struct pte_table *t, unsigned long i, u64 vma_id)
{
	u64 *e = &t->pte[i];
	struct page_share *s = pte_share(t, i);

	lockdep_assert_held(&t->ptl);
	WARN(*e & PTE_TLB_STALE,
	     "wp fault on VMA %llu at %lx before fork flushed the TLB: COW broken (a stale writable entry still writes the page the child maps)",
	     (unsigned long long)vma_id, t->addr + i * PAGE_SIZE);
	if ((*e & PTE_ANON) &&
	    (!s || __atomic_load_n(&s->mapcount.counter, __ATOMIC_ACQUIRE) == 1)) {
		if (s) {
			t->share[i] = NULL;
			free(s);
		}
		*e &= ~(PTE_COW | PTE_TLB_STALE);
		return;
	}
	pte_put_page(t, i);
	*e = vma_id | PTE_ANON;
	pte_set_page(t, i, alloc_zeroed_page());
}

/*
 * The fault's PTE step with the lock held: populate a none entry, or, for
 * a write to an entry fork write-protected, do_wp_page.  Any other
 * present entry is left as it is (the model treats it as writable where
 * the VMA is; docs/model.md).
 */
void pt_fault_locked(struct pte_table *pte, unsigned long address,
		     u64 vma_id, bool new_page, bool write)
{
	unsigned long i = pte_index(address);

	if (!pte->pte[i]) {
		pt_populate(pte, address, vma_id, new_page);
		return;
	}
	if (write && (pte->pte[i] & PTE_COW))
		do_wp_page(pte, i, vma_id);
}

/*
 * Calls fn(t, start, end, arg) with t's ptl held for every table that
 * maps part of [start, end), clipped to it: the range's tables one by one
 * when that is fewer than the mm has, otherwise every table.
 */
static void pt_for_each_table(struct mm_struct *mm, unsigned long start,
			      unsigned long end,
			      void (*fn)(struct pte_table *t, unsigned long s,
					 unsigned long e, void *arg),
			      void *arg)
{
	unsigned long nr = __atomic_load_n(&mm->pt.nr_tables,
					   __ATOMIC_RELAXED);
	unsigned long addr, i;
	struct pte_table *t;

	if (start >= end)
		return;
	if (((end - 1) >> PMD_SHIFT) - (start >> PMD_SHIFT) < nr) {
		/* end <= TASK_SIZE: addr cannot wrap */
		for (addr = start & PMD_MASK; addr < end; addr += PMD_SIZE) {
			t = pte_offset_map(mm, addr);
			if (!t)
				continue;
			spin_lock(&t->ptl);
			fn(t, max(start, addr), min(end - 1, addr + PMD_SIZE - 1) + 1,
			   arg);
			spin_unlock(&t->ptl);
		}
		return;
	}
	for (i = 0; i < PT_DIR_BUCKETS; i++) {
		for (t = pt_first(mm, i); t; t = t->next) {
			if (t->addr + PMD_SIZE <= start || t->addr >= end)
				continue;
			spin_lock(&t->ptl);
			fn(t, max(start, t->addr),
			   min(end - 1, t->addr + PMD_SIZE - 1) + 1, arg);
			spin_unlock(&t->ptl);
		}
	}
}

static void count_table(struct pte_table *t, unsigned long start,
			unsigned long end, void *arg)
{
	unsigned long *n = arg, a;

	if (end - start == PMD_SIZE) {
		*n += t->nr_pages;
		return;
	}
	for (a = start; a < end; a += PAGE_SIZE)
		*n += t->pte[pte_index(a)] != 0;
}

static void count_cow_table(struct pte_table *t, unsigned long start,
			    unsigned long end, void *arg)
{
	unsigned long *n = arg, a;

	for (a = start; a < end; a += PAGE_SIZE)
		*n += (t->pte[pte_index(a)] & PTE_COW) != 0;
}

/* The entries of [start, end) fork write-protected (tb_vma_info). */
unsigned long pt_count_cow(struct mm_struct *mm, unsigned long start,
			   unsigned long end)
{
	unsigned long n = 0;

	pt_for_each_table(mm, start, end, count_cow_table, &n);
	return n;
}

unsigned long pt_count_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	unsigned long n = 0;

	pt_for_each_table(mm, start, end, count_table, &n);
	return n;
}

/* get_mm_counter(MM_ANONPAGES) and friends, summed over the tables. */
unsigned long pt_nr_pages(struct mm_struct *mm)
{
	return pt_count_range(mm, 0, TASK_SIZE);
}

/*
 * zap_pte_range: forget the populated pages of one table in [start, end).
 * Having cleared entries, 4.16 may flush the TLB before it drops the
 * page-table lock ("Do the actual TLB flush before dropping ptl": a full
 * gather batch, a dirty shared page); the flush's IPIs wait for every
 * CPU of the mm.  The model flushes whenever it cleared an entry: another
 * thread may run meanwhile (the hook), and one that waits for this lock
 * with interrupts off would never answer (the deadlock the speculative
 * fault's spin_trylock avoids).
 */
static void zap_table(struct pte_table *t, unsigned long start,
		      unsigned long end, void *arg)
{
	unsigned long a, zapped = 0;

	(void)arg;
	for (a = start; a < end && t->nr_pages; a += PAGE_SIZE) {
		u64 *e = &t->pte[pte_index(a)];

		if (*e) {
			pte_put_page(t, pte_index(a));
			*e = 0;
			t->nr_pages--;
			zapped++;
		}
	}
	if (zapped) {
		tb_preempt_point(&t->ptl);
		spin_check_ipi_wait(&t->ptl);
	}
}

/* unmap_page_range: each table under its own ptl. */
void zap_page_range(struct mm_struct *mm, unsigned long start,
		    unsigned long end)
{
	pt_for_each_table(mm, start, end, zap_table, NULL);
}

struct pt_for_each_args {
	int (*fn)(struct mm_struct *mm, unsigned long addr, u64 vma_id,
		  void *arg);
	struct mm_struct *mm;
	void *arg;
	int ret;
};

static void visit_table(struct pte_table *t, unsigned long start,
			unsigned long end, void *arg)
{
	struct pt_for_each_args *a = arg;
	unsigned long i;

	(void)start;
	(void)end;
	for (i = 0; i < PTRS_PER_PTE && !a->ret; i++)
		if (t->pte[i])
			a->ret = a->fn(a->mm, t->addr + i * PAGE_SIZE,
				       pte_vma_id(t->pte[i]), a->arg);
}

/* Calls fn for every populated page (stops at a non-zero return). */
int pt_for_each(struct mm_struct *mm,
		int (*fn)(struct mm_struct *mm, unsigned long addr, u64 vma_id,
			  void *arg), void *arg)
{
	struct pt_for_each_args a = { .fn = fn, .mm = mm, .arg = arg };

	pt_for_each_table(mm, 0, TASK_SIZE, visit_table, &a);
	return a.ret;
}

/* ---- fork: copy_page_range and the TLB flush ------------------------ */

/* is_cow_mapping: private and may become writable. */
static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* One table's share of a copy: what the source held in [start, end). */
struct pt_copy_batch {
	unsigned long addr[PTRS_PER_PTE];
	u64 pte[PTRS_PER_PTE];
	struct page_share *share[PTRS_PER_PTE];
	void *page[PTRS_PER_PTE];
	unsigned int nr;
};

/*
 * copy_one_pte for every present entry of src's table t in [start, end),
 * under its lock: on a COW mapping the source entry is write-protected
 * (and its TLB entry left stale until dup_mmap's flush) and its anonymous
 * page gains the child's mapping (page_dup_rmap).
 */
static void copy_pte_range_src(struct pte_table *t, unsigned long start,
			       unsigned long end, bool cow,
			       struct pt_copy_batch *b)
{
	unsigned long a;

	b->nr = 0;
	spin_lock(&t->ptl);
	for (a = start; a < end; a += PAGE_SIZE) {
		unsigned long i = pte_index(a);
		u64 *e = &t->pte[i];
		struct page_share *s = NULL;

		if (!*e)
			continue;
		if (cow)
			*e |= PTE_COW | PTE_TLB_STALE;
		if (*e & PTE_ANON) {
			if (!t->share) {
				t->share = calloc(PTRS_PER_PTE,
						  sizeof(*t->share));
				if (!t->share)
					abort();	/* host out of memory */
			}
			s = t->share[i];
			if (!s) {
				s = calloc(1, sizeof(*s));
				if (!s)
					abort();
				s->mapcount.counter = 1;
				s->data = pte_page(t, i);
				t->share[i] = s;
			}
			__atomic_add_fetch(&s->mapcount.counter, 1,
					   __ATOMIC_ACQ_REL);
		}
		b->addr[b->nr] = a;
		b->pte[b->nr] = *e & (PTE_ANON | PTE_COW);
		b->share[b->nr] = s;
		b->page[b->nr] = pte_page(t, i);
		b->nr++;
	}
	spin_unlock(&t->ptl);
}

/* The child's side of the batch: its entries, for its VMA dst_id. */
static void copy_pte_range_dst(struct mm_struct *dst_mm,
			       struct pt_copy_batch *b, u64 dst_id)
{
	struct pte_table *t;
	unsigned int k;

	if (!b->nr)
		return;
	t = pte_alloc(dst_mm, b->addr[0]);
	spin_lock(&t->ptl);
	for (k = 0; k < b->nr; k++) {
		unsigned long i = pte_index(b->addr[k]);

		WARN(t->pte[i], "copy_page_range: child entry %lx present",
		     b->addr[k]);
		t->pte[i] = dst_id | b->pte[k];
		if (b->share[k]) {
			if (!t->share) {
				t->share = calloc(PTRS_PER_PTE,
						  sizeof(*t->share));
				if (!t->share)
					abort();
			}
			t->share[i] = b->share[k];
		}
		pte_set_page(t, i, b->page[k]);
		t->nr_pages++;
	}
	spin_unlock(&t->ptl);
}

/*
 * copy_page_range (4.16 mm/memory.c): a VMA with no anon_vma is skipped
 * (its faults fill the child's tables; the model has no VM_HUGETLB,
 * VM_PFNMAP or VM_MIXEDMAP), otherwise each source table is copied under
 * its lock.  The kernel holds the child's and the parent's table locks
 * together (spin_lock_nested); here the parent's entries are taken under
 * the parent's lock, then written under the child's: nobody can see the
 * child before dup_mmap returns.
 */
int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		    struct vm_area_struct *dst_vma,
		    struct vm_area_struct *src_vma)
{
	bool cow = is_cow_mapping(src_vma->vm_flags);
	struct pt_copy_batch *b;
	unsigned long addr;

	if (!src_vma->anon_vma)
		return 0;
	b = malloc(sizeof(*b));
	if (!b)
		abort();	/* host out of memory: not a model state */
	for (addr = src_vma->vm_start & PMD_MASK; addr < src_vma->vm_end;
	     addr += PMD_SIZE) {
		struct pte_table *t = pte_offset_map(src_mm, addr);

		if (!t)
			continue;
		copy_pte_range_src(t, max(addr, src_vma->vm_start),
				   min(src_vma->vm_end - 1,
				       addr + PMD_SIZE - 1) + 1, cow, b);
		copy_pte_range_dst(dst_mm, b, dst_vma->tb_id);
	}
	free(b);
	return 0;
}

static void flush_table(struct pte_table *t, unsigned long start,
			unsigned long end, void *arg)
{
	unsigned long a;

	(void)arg;
	for (a = start; a < end; a += PAGE_SIZE)
		t->pte[pte_index(a)] &= ~PTE_TLB_STALE;
}

/*
 * flush_tlb_mm at the end of dup_mmap: the parent's write protections
 * now hold on every CPU.  (The model keeps the stale state in the
 * entries, cleared under each table's lock.)
 */
void flush_tlb_mm(struct mm_struct *mm)
{
	pt_for_each_table(mm, 0, TASK_SIZE, flush_table, NULL);
}

/*
 * The line classifier's question (checked flavour, kernel/count.h): a
 * lock outside the mm is a split PTE lock or, on mmu-pvl, a VMA's lock.
 */
bool pt_is_ptlock(const struct mm_struct *mm, const void *obj)
{
	struct pte_table *t;

	for (t = __atomic_load_n(&mm->pt.by_ptl[pt_ptl_hash(obj)],
				 __ATOMIC_ACQUIRE); t; t = t->next_by_ptl)
		if (obj == &t->ptl)
			return true;
	return false;
}

/* ---- faults ----------------------------------------------------------- */

/*
 * Does a first touch install a page of its own?  A private write does
 * (do_anonymous_page, or the COW copy of a file page); a read maps the
 * zero page or the page cache's page, and a shared write dirties the page
 * cache's.
 */
static bool fault_new_page(unsigned int flags, unsigned long vm_flags)
{
	return (flags & FAULT_FLAG_WRITE) && !(vm_flags & VM_SHARED);
}

/* arch/x86/mm/fault.c access_error, on the model's fault flags. */
static bool access_error(unsigned int flags, unsigned long vm_flags)
{
	if ((flags & FAULT_FLAG_WRITE) && !(vm_flags & VM_WRITE))
		return true;
	if ((flags & FAULT_FLAG_INSTRUCTION) && !(vm_flags & VM_EXEC))
		return true;
	if (!(flags & (FAULT_FLAG_WRITE | FAULT_FLAG_INSTRUCTION)) &&
	    !(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return true;
	return false;
}

/*
 * vma_alloc_folio's policy (6.4+): get_vma_policy reads vma->vm_policy
 * without a reference, the caller's lock on the VMA (mmap_sem, or the
 * VMA's own lock) keeping it: mbind replaces and puts the old policy only
 * as the VMA's writer.  The model has one node, so the policy chooses
 * nothing; what it keeps is the read and the use, where the kernel has
 * them, and the check that the policy is still live at the use.
 */
static struct mempolicy *get_vma_policy(struct vm_area_struct *vma)
{
	return READ_ONCE(vma->vm_policy);
}

/*
 * The page taken under pol (alloc_pages_mpol): the mode picks the node
 * (interleave, preferred, bind), then mpol_cond_put looks at the flags.
 */
static void policy_alloc_check(struct mempolicy *pol)
{
	WARN(kmem_obj_freed(pol),
	     "fault allocates under policy id %llu, freed under it: the policy was replaced without the VMA's lock",
	     (unsigned long long)kmem_obj_id(pol));
}

/*
 * do_anonymous_page's install with the VMA held (mmap_sem or its lock):
 * a new page is allocated under the VMA's policy, read before the
 * page-table lock as 6.4 reads it (the model takes the page under the
 * lock, see pt_populate).
 */
static void fault_install(struct pte_table *pte, struct vm_area_struct *vma,
			  unsigned long address, unsigned int flags,
			  unsigned long vm_flags)
{
	bool new_page = fault_new_page(flags, vm_flags);
	struct mempolicy *pol = new_page ? get_vma_policy(vma) : NULL;

	spin_lock(&pte->ptl);
	if (pol)
		policy_alloc_check(pol);
	pt_fault_locked(pte, address, vma->tb_id, new_page,
			flags & FAULT_FLAG_WRITE);
	spin_unlock(&pte->ptl);
}

#ifdef CONFIG_PER_VMA_LOCK
/*
 * The slow half of lock_mm_and_find_vma (6.4.1+ mm/memory.c), for a
 * fault below the VMA found under mmap_sem for read: a stack is expanded
 * with mmap_sem held for write only ("mm: always expand the stack with
 * the mmap write lock held").  There is no upgrade (6.4's
 * mmap_upgrade_trylock always fails), so the read lock is dropped, the
 * write lock taken and the VMA looked up again, as anything may have
 * changed meanwhile; then the lock is downgraded for the rest of the
 * fault.  Returns the VMA with mmap_sem held for read, or NULL with it
 * released.
 */
static struct vm_area_struct *lock_mm_and_expand_stack(struct mm_struct *mm,
							unsigned long address)
{
	struct vm_area_struct *vma;

	up_read(&mm->mmap_sem);
	mmap_write_lock(mm);
	vma = find_vma(mm, address);
	if (!vma)
		goto fail;
	if (vma->vm_start <= address)
		goto success;
	if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(vma, address))
		goto fail;
success:
	/* mmap_write_downgrade: the VMA marks end with the write section */
	vma_end_write_all(mm);
	downgrade_write(&mm->mmap_sem);
	return vma;
fail:
	mmap_write_unlock(mm);
	return NULL;
}
#endif

#ifdef CONFIG_SPF_REUSE_VMA
#if !defined(CONFIG_SPECULATIVE_PAGE_FAULT) || defined(CONFIG_SPF_RCU)
#error "CONFIG_SPF_REUSE_VMA hands over a get_vma reference: mmu-spf only"
#endif
/*
 * can_reuse_spf_vma (SPF v9, "mm: speculative page fault handler return
 * VMA"; dropped in v11): with mmap_sem held for read, the VMA the
 * speculative attempt pinned is what find_vma would return if it is still
 * in mm_rb (the erase clears its node) and still covers address.  The
 * reference is dropped after the fields are read, whatever the answer:
 * mmap_sem keeps a VMA that is still in the tree, and one that left it
 * may be freed right here by this put_vma.
 */
static bool can_reuse_spf_vma(struct vm_area_struct *vma,
			      unsigned long address)
{
	bool ret = !RB_EMPTY_NODE(&vma->vm_rb) &&
		   vma->vm_start <= address && address < vma->vm_end;

	put_vma(vma);
	return ret;
}
#endif

/*
 * The classic path: mmap_sem held for read keeps every VMA where it is;
 * the table's split PTE lock orders us against other faults.  spf_vma
 * is the VMA a speculative attempt gave up on with its reference still
 * held (mmu-spf-v9 only, else NULL): it is reused or put here.  Returns
 * FAULT_DONE_CLASSIC, -EFAULT (no VMA, or a stack below address that
 * may not expand to it), -EACCES or -ENOMEM (the anon_vma could not be
 * allocated).
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long address,
		    unsigned int flags, struct vm_area_struct *spf_vma)
{
	struct vm_area_struct *vma;
	struct pte_table *pte;
	int ret = FAULT_DONE_CLASSIC;

	down_read(&mm->mmap_sem);
#ifdef CONFIG_SPF_REUSE_VMA
	if (spf_vma && can_reuse_spf_vma(spf_vma, address)) {
		vma = spf_vma;
		count_fault_event(this_thread_fault_events(mm), spf_vma_reused);
	} else {
		vma = find_vma(mm, address);
	}
#else
	(void)spf_vma;
	vma = find_vma(mm, address);
#endif
	if (!vma) {
		ret = -EFAULT;
		goto out;
	}
	if (vma->vm_start > address) {
#ifdef CONFIG_PER_VMA_LOCK
		vma = lock_mm_and_expand_stack(mm, address);
		if (!vma)
			return -EFAULT;
#else
		/* 4.16's __do_page_fault: under mmap_sem for read */
		if (!(vma->vm_flags & VM_GROWSDOWN) ||
		    expand_stack(vma, address)) {
			ret = -EFAULT;
			goto out;
		}
#endif
	}
	if (access_error(flags, vma->vm_flags)) {
		ret = -EACCES;
		goto out;
	}
	/* do_anonymous_page / wp_page_copy: a private write needs an anon_vma */
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED) &&
	    anon_vma_prepare(vma)) {
		ret = -ENOMEM;
		goto out;
	}
	/* do_anonymous_page: pte_alloc, then the page under its table's lock */
	pte = pte_alloc(mm, address);
	fault_install(pte, vma, address, flags, vma->vm_flags);
out:
	up_read(&mm->mmap_sem);
	return ret;
}

#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
/*
 * The mode of the VMA's own policy, read without a reference as the
 * series' __get_vma_policy() does: a concurrent mbind may free the policy
 * under us (vma_replace_policy puts the old one), and what is read then
 * does not matter because vma_replace_policy is a vm_sequence write
 * section that the re-checks below catch.  The sanitizers are told so;
 * the model has no task policy (always the default one).
 */
__attribute__((no_sanitize("address", "thread")))
static bool spf_policy_interleave(struct vm_area_struct *vma)
{
	struct mempolicy *pol = READ_ONCE(vma->vm_policy);

	return pol && pol->mode == MPOL_INTERLEAVE;
}

/*
 * vma_has_changed: the node left the tree (the erase clears it after
 * mm_rb_lock is dropped) or the sequence moved since it was sampled.
 */
static int spf_vma_changed(struct vm_area_struct *vma, unsigned int seq)
{
	if (RB_EMPTY_NODE(&vma->vm_rb))
		return SPF_ABORT_DETACHED;
	if (read_seqcount_retry(&vma->vm_sequence, seq))
		return SPF_ABORT_SEQ_CHANGED;
	return -1;
}

/*
 * pte_map_lock for a speculative fault: the VMA must be unchanged before
 * the page-table lock is tried, the lock is only tried (the series must
 * not spin with interrupts off while the unmap path, holding it, waits
 * for this CPU to take a TLB-flush IPI), and the VMA is checked again
 * under the lock.  After that a concurrent zap waits for the lock, so
 * the page cannot outlive the VMA.  Interrupts are off from the first
 * check to the last, as in the series: they keep the page tables (a
 * zap's TLB flush waits for this CPU).  The pmd_same() re-check has no
 * counterpart: the model's walk has no pmd entry to compare.  The lock
 * is the table's split PTE lock (pte_lockptr).  Returns true with it
 * held, or false with *abort set.
 */
static bool spf_pte_map_lock(struct pte_table *pte,
			     struct vm_area_struct *vma, unsigned int seq,
			     int *abort)
{
	bool locked = false;

	local_irq_disable();
	*abort = spf_vma_changed(vma, seq);
	if (*abort >= 0)
		goto out;
	if (!spin_trylock(&pte->ptl)) {
		*abort = SPF_ABORT_PTL_BUSY;
		goto out;
	}
	*abort = spf_vma_changed(vma, seq);
	if (*abort >= 0) {
		spin_unlock(&pte->ptl);
		goto out;
	}
	locked = true;
out:
	local_irq_enable();
	return locked;
}

/*
 * __handle_speculative_fault - try to handle an anonymous fault without
 * mmap_sem, in the order of the series' patch "mm: provide speculative
 * fault infrastructure" (v10/v11) with the failure points of "mm: adding
 * speculative page fault failure trace events" (v11).  Returns 0 when the
 * page was installed (or was already there), or 1 with *abort set to the
 * SPF_ABORT_* reason: the caller then takes the classic path.
 *
 * mmu-spf-v9 (CONFIG_SPF_REUSE_VMA): a give-up after get_vma found a VMA
 * keeps its reference and returns the VMA in *spf_vma for the classic
 * path (can_reuse_spf_vma), as v9 did for every VM_FAULT_RETRY; only the
 * access error (v9's VM_FAULT_SIGSEGV, which x86 retries classic with no
 * VMA handed over) puts it here.  Elsewhere *spf_vma stays NULL.
 *
 * The VMA is pinned by get_vma(), so it cannot be freed under us, but it
 * can change or leave the tree at any time: everything read before the
 * PTE lock is validated under it (spf_pte_map_lock).  munmap zaps under
 * the same PTE lock after the detach, so a page installed here before
 * the detach is zapped, and one installed after it is impossible because
 * the check sees the empty node.
 */
#ifdef CONFIG_SPF_RCU
/*
 * mmu-spf-rcu: the lookup of the SRCU/RCU alternative the SPF thread
 * weighed instead of mm_rb_lock + vm_ref_count.  The VMA found is not
 * pinned: the read-side section, held until spf_put_vma, is what keeps
 * its memory, because a VMA is freed only after a grace period.  A VMA
 * already freed here means the grace period was cut short.
 */
static struct vm_area_struct *spf_get_vma(struct mm_struct *mm,
					  unsigned long addr)
{
	struct vm_area_struct *vma;

	rcu_read_lock();
	vma = find_vma_lockless(mm, addr);
	if (vma && WARN(kmem_obj_freed(vma),
			"spf_get_vma: VMA id %llu freed before the grace period ended",
			(unsigned long long)kmem_obj_id(vma)))
		vma = NULL;
	if (!vma)
		rcu_read_unlock();
	return vma;
}

static void spf_put_vma(struct vm_area_struct *vma)
{
	WARN(kmem_obj_freed(vma),
	     "spf_put_vma: VMA id %llu freed inside a read-side section",
	     (unsigned long long)kmem_obj_id(vma));
	rcu_read_unlock();
}
#else
#define spf_get_vma(mm, addr)	get_vma(mm, addr)
#define spf_put_vma(vma)	put_vma(vma)
#endif

static int __handle_speculative_fault(struct mm_struct *mm,
				      unsigned long address,
				      unsigned int flags, int *abort,
				      struct vm_area_struct **spf_vma)
{
	struct vm_area_struct *vma;
	struct pte_table *pte;
	unsigned long vm_flags;
	unsigned int seq;

	*spf_vma = NULL;
	vma = spf_get_vma(mm, address);
	if (!vma) {
		*abort = SPF_ABORT_NO_VMA;
		return 1;
	}

	seq = raw_read_seqcount(&vma->vm_sequence);
	if (seq & 1) {
		*abort = SPF_ABORT_SEQ_ODD;
		goto out_put;
	}

	/*
	 * vm_ops services may do anything with the VMA: the model's VMAs
	 * with vm_ops are those with a vm_file (file mappings and shmem,
	 * i.e. shared anonymous ones); private anonymous VMAs have none.
	 */
	if (READ_ONCE(vma->vm_file)) {
		*abort = SPF_ABORT_NOT_ANON;
		goto out_put;
	}

	/*
	 * __anon_vma_prepare() needs mmap_sem (vm_prev and vm_next must be
	 * stable), so a VMA without an anon_vma goes to the classic path
	 * for any fault, read faults too.
	 */
	if (!READ_ONCE(vma->anon_vma)) {
		*abort = SPF_ABORT_NO_ANON_VMA;
		goto out_put;
	}

	/* get_vma found the first VMA ending above address: is it inside? */
	if (address < READ_ONCE(vma->vm_start) ||
	    READ_ONCE(vma->vm_end) <= address) {
		*abort = SPF_ABORT_NO_VMA;
		goto out_put;
	}

	/*
	 * The series answers VM_FAULT_SIGSEGV; the arch code retries classic.
	 * One snapshot of the flags (vmf.vma_flags) serves the rest of the
	 * fault: mprotect may change them under us until the sequence check.
	 */
	vm_flags = READ_ONCE(vma->vm_flags);
	if (access_error(flags, vm_flags)) {
		*abort = SPF_ABORT_ACCESS;
		goto out_put;
	}

	/* mpol_misplaced() cannot handle MPOL_INTERLEAVE speculatively. */
	if (spf_policy_interleave(vma)) {
		*abort = SPF_ABORT_MPOL;
		goto out_put;
	}

	/*
	 * The bounds were read after the sample: re-validate them.  An
	 * interrupt or a preemption may land before the check (the hook).
	 */
	tb_preempt_point(vma);
	if (read_seqcount_retry(&vma->vm_sequence, seq)) {
		*abort = SPF_ABORT_SEQ_CHANGED;
		goto out_put;
	}

	/*
	 * do_anonymous_page: the model's page is its address, so only the
	 * table to prepare (the series gives up on a missing one, pmd_none;
	 * see docs/model.md).
	 */
	pte = pte_alloc(mm, address);
	if (!spf_pte_map_lock(pte, vma, seq, abort))
		goto out_put;
	pt_fault_locked(pte, address, vma->tb_id,
			fault_new_page(flags, vm_flags),
			flags & FAULT_FLAG_WRITE);
	spin_unlock(&pte->ptl);
	spf_put_vma(vma);
	return 0;

out_put:
#ifdef CONFIG_SPF_REUSE_VMA
	if (*abort != SPF_ABORT_ACCESS) {
		*spf_vma = vma;
		return 1;
	}
#endif
	spf_put_vma(vma);
	return 1;
}

/*
 * handle_speculative_fault (include/linux/mm.h of the series, v10 on):
 * only a user fault of a multithreaded mm is tried, mm_users == 1 means
 * the faulting task is alone.  The model's caller holds one more
 * reference than a faulting task would, the pin of its API call
 * (tb_api_enter), so "alone" is mm_users == 2 here: the mm's first
 * thread (the handle table's reference) plus the call.  Other threads
 * (tb_mm_set_threads) and other calls in flight (like a /proc reader's
 * mmget) count, as they do in the kernel.
 */
static bool spf_try(struct mm_struct *mm, unsigned int flags)
{
	if (flags & (FAULT_FLAG_NO_SPECULATIVE | FAULT_FLAG_KERNEL))
		return false;
	return atomic_read(&mm->mm_users) - TB_API_CALL_PIN > 1;
}
#endif

#ifdef CONFIG_VMA_REFCNT
/*
 * vma_refcount_put (6.15): drop a reader's count.  The last reader
 * before a waiting writer would wake it (rcuwait_wake_up); the model's
 * writer polls the count instead (vma_wait_readers).
 */
static void vma_end_read(struct vm_area_struct *vma)
{
	atomic_dec(&vma->vm_refcnt);
}

/*
 * vma_start_read (6.15 include/linux/mmap_lock.h), on a VMA that may be
 * free, or reused by another mm, since the walk found it (the cache is
 * typesafe by RCU): the sequence check against the reader's mm, then
 * __refcount_inc_not_zero_limited_acquire: no increment on 0 (detached,
 * or free) nor past VMA_REF_LIMIT (a writer's VMA_LOCK_OFFSET is in).
 * Once counted the VMA cannot be detached, freed or reused under us;
 * it may already belong to another mm (checked here, as 6.15 does) and
 * cover another range (lock_vma_under_rcu checks).  Returns -1 with the
 * count taken, or the abort reason: write-locked (SPF_ABORT_SEQ_ODD),
 * write-locked meanwhile (SPF_ABORT_SEQ_CHANGED), detached (6.15's
 * -EAGAIN, SPF_ABORT_DETACHED), another mm's (SPF_ABORT_NO_VMA).
 */
static int vma_start_read(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int oldcnt = atomic_read(&vma->vm_refcnt);

	if (READ_ONCE(vma->vm_lock_seq) ==
	    __atomic_load_n(&mm->mm_lock_seq, __ATOMIC_ACQUIRE))
		return SPF_ABORT_SEQ_ODD;
	tb_sched(SCHED_ATOMIC, &vma->vm_refcnt);
	do {
		if (!oldcnt)
			return SPF_ABORT_DETACHED;
		if (oldcnt >= VMA_REF_LIMIT)
			return SPF_ABORT_SEQ_ODD;
	} while (!__atomic_compare_exchange_n(&vma->vm_refcnt.counter,
					      &oldcnt, oldcnt + 1, false,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	/* attached to another mm since the walk: not ours to fault on */
	if (READ_ONCE(vma->vm_mm) != mm) {
		vma_end_read(vma);
		return SPF_ABORT_NO_VMA;
	}
	if (READ_ONCE(vma->vm_lock_seq) ==
	    __atomic_load_n(&mm->mm_lock_seq, __ATOMIC_ACQUIRE)) {
		vma_end_read(vma);
		return SPF_ABORT_SEQ_CHANGED;
	}
	return -1;
}

/*
 * lock_vma_under_rcu (6.15 mm/memory.c): find the VMA covering address
 * and count it without mmap_sem.  Nothing of the VMA is read before
 * vma_start_read took the count but vm_lock_seq and vm_refcnt, the two
 * fields a free VMA keeps: the VMA found may since have been freed and
 * handed to another mapping, of this mm or another.  Once counted, the
 * range is checked again, it may be another VMA's now.  6.15 walks again
 * on a detached VMA; the model falls back (SPF_ABORT_DETACHED).  The
 * model's fault handles anonymous VMAs with an anon_vma only: checked
 * under the count.  Returns the VMA counted, or NULL with *abort set.
 */
static struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm,
						 unsigned long address,
						 int *abort)
{
	struct vm_area_struct *vma;

	rcu_read_lock();
	vma = find_vma_lockless(mm, address);
	if (!vma) {
		*abort = SPF_ABORT_NO_VMA;
		goto inval;
	}
	/*
	 * A stale reader's window: the VMA may be freed and reused before
	 * the increment (its SCHED_ATOMIC point is where a scheduler stops us).
	 */
	*abort = vma_start_read(mm, vma);
	if (*abort >= 0)
		goto inval;
	/* the VMA we counted may cover another range since the walk */
	if (address < vma->vm_start || address >= vma->vm_end) {
		*abort = SPF_ABORT_NO_VMA;
		goto inval_end_read;
	}
	/* Only anonymous vmas are supported (vm_ops: file or shmem). */
	if (READ_ONCE(vma->vm_file)) {
		*abort = SPF_ABORT_NOT_ANON;
		goto inval_end_read;
	}
	/*
	 * find_mergeable_anon_vma uses adjacent vmas which are not locked;
	 * a classic fault (mmap_sem read) may be setting it right now.
	 */
	if (!READ_ONCE(vma->anon_vma)) {
		*abort = SPF_ABORT_NO_ANON_VMA;
		goto inval_end_read;
	}
	rcu_read_unlock();
	return vma;

inval_end_read:
	vma_end_read(vma);
inval:
	rcu_read_unlock();
	return NULL;
}
#elif defined(CONFIG_PER_VMA_LOCK)
/*
 * vma_start_read (6.4 include/linux/mm.h): the sequence check before the
 * lock (a VMA marked by a writer of the current mmap_sem write section
 * is not even tried), the trylock (a writer in vma_start_write holds it),
 * and the check again under the lock, for a writer that marked the VMA
 * between the first check and the trylock.  Returns 0 with vm_lock held
 * for read, or the abort reason: the model reports "marked" as
 * SPF_ABORT_SEQ_ODD and "marked meanwhile" as SPF_ABORT_SEQ_CHANGED.
 */
static int vma_start_read(struct vm_area_struct *vma)
{
	if (READ_ONCE(vma->vm_lock_seq) ==
	    __atomic_load_n(&vma->vm_mm->mm_lock_seq, __ATOMIC_ACQUIRE))
		return SPF_ABORT_SEQ_ODD;
	if (!down_read_trylock(&vma->vm_lock))
		return SPF_ABORT_SEQ_ODD;
	if (READ_ONCE(vma->vm_lock_seq) ==
	    __atomic_load_n(&vma->vm_mm->mm_lock_seq, __ATOMIC_ACQUIRE)) {
		up_read(&vma->vm_lock);
		return SPF_ABORT_SEQ_CHANGED;
	}
	return -1;
}

/*
 * As 6.4's: up_read may still look at the semaphore after the release
 * that let a writer in (to wake sleepers), and that writer may detach the
 * VMA and hand it to call_rcu; the read-side section keeps the VMA, and
 * its vm_lock, alive until up_read is done.
 */
static void vma_end_read(struct vm_area_struct *vma)
{
	rcu_read_lock();
	up_read(&vma->vm_lock);
	rcu_read_unlock();
}

/*
 * lock_vma_under_rcu (6.4 mm/memory.c): find the VMA covering address
 * and read-lock it without mmap_sem.  The walk and the checks before the
 * lock run under RCU, which keeps the VMA's memory (it is freed after a
 * grace period); once vma_start_read succeeded, the VMA lock keeps it
 * and its fields: a writer must vma_start_write it first, which waits
 * for us.  Only anonymous VMAs with an anon_vma are handled, as in 6.4.
 * A VMA detached after the walk was replaced: 6.4 retries the walk once
 * more; the model falls back instead (SPF_ABORT_DETACHED).  Returns
 * the VMA read-locked, or NULL with *abort set.
 */
static struct vm_area_struct *lock_vma_under_rcu(struct mm_struct *mm,
						 unsigned long address,
						 int *abort)
{
	struct vm_area_struct *vma;

	rcu_read_lock();
	vma = find_vma_lockless(mm, address);
	if (!vma || address < READ_ONCE(vma->vm_start)) {
		*abort = SPF_ABORT_NO_VMA;
		goto inval;
	}
	if (WARN(kmem_obj_freed(vma),
		 "lock_vma_under_rcu: VMA id %llu freed before the grace period ended",
		 (unsigned long long)kmem_obj_id(vma))) {
		*abort = SPF_ABORT_DETACHED;
		goto inval;
	}
	/* Only anonymous vmas are supported (vm_ops: file or shmem). */
	if (READ_ONCE(vma->vm_file)) {
		*abort = SPF_ABORT_NOT_ANON;
		goto inval;
	}
	/* find_mergeable_anon_vma uses adjacent vmas which are not locked */
	if (!READ_ONCE(vma->anon_vma)) {
		*abort = SPF_ABORT_NO_ANON_VMA;
		goto inval;
	}
	*abort = vma_start_read(vma);
	if (*abort >= 0)
		goto inval;
	WARN(kmem_obj_freed(vma),
	     "lock_vma_under_rcu: locked VMA id %llu freed before the grace period ended",
	     (unsigned long long)kmem_obj_id(vma));
	/* vm_start/vm_end might have changed before we locked the VMA */
	if (address < vma->vm_start || address >= vma->vm_end) {
		*abort = SPF_ABORT_NO_VMA;
		goto inval_end_read;
	}
	/* the VMA got isolated after we found it */
	if (READ_ONCE(vma->detached)) {
		*abort = SPF_ABORT_DETACHED;
		goto inval_end_read;
	}
	rcu_read_unlock();
	return vma;

inval_end_read:
	vma_end_read(vma);
inval:
	rcu_read_unlock();
	return NULL;
}

#endif

#ifdef CONFIG_PER_VMA_LOCK
/*
 * The per-VMA-lock half of 6.4's do_user_addr_fault: lock_vma_under_rcu,
 * access_error, then handle_mm_fault with FAULT_FLAG_VMA_LOCK, which for
 * an anonymous VMA with its anon_vma is do_anonymous_page under the page
 * table lock.  0: handled; 1: fall back to mmap_sem with *abort set.
 */
static int do_vma_locked_fault(struct mm_struct *mm, unsigned long address,
			       unsigned int flags, int *abort)
{
	struct vm_area_struct *vma;
	unsigned long start, pgoff;
	struct pte_table *pte;

	vma = lock_vma_under_rcu(mm, address, abort);
	if (!vma)
		return 1;
	if (access_error(flags, vma->vm_flags)) {
		vma_end_read(vma);
		*abort = SPF_ABORT_ACCESS;
		return 1;
	}
	/*
	 * The page's place in the VMA (linear_page_index, page->index) is
	 * vm_start and vm_pgoff as read here: under the VMA's lock nobody
	 * may move them until the page is in (a stack expansion must
	 * vma_start_write first).
	 */
	start = READ_ONCE(vma->vm_start);
	pgoff = READ_ONCE(vma->vm_pgoff);
	pte = pte_alloc(mm, address);
	/*
	 * The new page goes under vma->anon_vma (page_add_new_anon_rmap),
	 * where rmap finds it only if the VMA's avc is linked: a VMA must be
	 * write-locked before its anon_vma is set for it (a merge's
	 * importer: 6.4's dup_anon_vma, fixed by "mm: lock VMA in
	 * dup_anon_vma() before setting ->anon_vma").
	 */
	WARN(!READ_ONCE(vma->anon_vma_linked),
	     "VMA id %llu faulted under its lock with anon_vma %llu it does not link yet: set without vma_start_write",
	     (unsigned long long)vma->tb_id,
	     (unsigned long long)kmem_obj_id(READ_ONCE(vma->anon_vma)));
	fault_install(pte, vma, address, flags, vma->vm_flags);
	WARN(READ_ONCE(vma->vm_start) != start ||
	     READ_ONCE(vma->vm_pgoff) != pgoff,
	     "VMA id %llu moved from %#lx to %#lx under a fault holding its lock: expanded without vma_start_write",
	     (unsigned long long)vma->tb_id, start, READ_ONCE(vma->vm_start));
	vma_end_read(vma);
	return 0;
}
#endif

/*
 * The arch fault handler (__do_page_fault): speculative first on SPF
 * configs, then the classic path.  Counts every step in this thread's
 * statistics (mm/vmstat.c).
 */
int do_page_fault(struct mm_struct *mm, unsigned long address,
		  unsigned int flags)
{
	struct mm_fault_events *ev = this_thread_fault_events(mm);
	struct vm_area_struct *spf_vma = NULL;
	int ret;

	count_fault_event(ev, faults);
	if (address >= TASK_SIZE) {
		count_fault_event(ev, segv);
		return -EFAULT;
	}

#ifdef CONFIG_PER_VMA_LOCK
	if (!(flags & (FAULT_FLAG_NO_SPECULATIVE | FAULT_FLAG_KERNEL))) {
		int abort = -1;

		count_fault_event(ev, spf_attempts);
		ret = do_vma_locked_fault(mm, address, flags, &abort);
		if (ret == 0) {
			count_fault_event(ev, spf_success);
			return FAULT_DONE_SPECULATIVE;
		}
		count_fault_event(ev, spf_abort[abort]);
		count_fault_event(ev, fallbacks);
	}
#endif
#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
	if (spf_try(mm, flags)) {
		int abort = -1;

		count_fault_event(ev, spf_attempts);
		ret = __handle_speculative_fault(mm, address, flags, &abort,
						 &spf_vma);
		if (ret == 0) {
			count_fault_event(ev, spf_success);
			return FAULT_DONE_SPECULATIVE;
		}
		count_fault_event(ev, spf_abort[abort]);
		count_fault_event(ev, fallbacks);
	}
#endif

	count_fault_event(ev, classic_faults);
	ret = handle_mm_fault(mm, address, flags, spf_vma);
	if (ret == -EFAULT || ret == -EACCES)
		count_fault_event(ev, segv);
	return ret;
}
