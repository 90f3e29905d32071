// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/nommu.c - the !CONFIG_MMU model: 4.16 mm/nommu.c, reduced to what
 * the testbed's API reaches (mmap, munmap, exit), with the kernel's names
 * and structure.  Written for the testbed; not kernel text.
 *
 * Without an MMU a mapping is a piece of physical memory.  Every VMA
 * points at a struct vm_region describing that memory; regions live in
 * one global tree, nommu_region_tree, under nommu_region_sem, and a
 * shareable mapping of a file (shared, or a read-only private copy) may
 * reuse an existing region of the same file: vm_usage counts the VMAs
 * using it.  A VMA holds its own file reference, and so does its region.
 *
 * Two builds: "nommu" frees VMAs through the generalized __free_vma
 * (mm/vma_free.c); "nommu-orig" (TB_NOMMU_OPEN_CODED_FREE) keeps the
 * open-coded frees of 4.16.  Everything else is the same code, so the A/B
 * runner compares exactly the refactor.
 *
 * Model choices (documented in docs/nommu-free-vma.md):
 *  - Physical memory: the kernel has one per machine.  The testbed runs
 *    many unrelated mms in one process and must give reproducible
 *    addresses whatever the other mms do, so each mm is its own "machine"
 *    (an arena): the tree is still ONE global tree under ONE rw_semaphore,
 *    ordered by (arena, vm_start, vm_end, id), and the arena's memory is
 *    handed out first-fit from the regions in the tree.  A file of one mm
 *    is never seen by another, so no sharing is lost by the arena key.
 *  - Ties: the kernel orders identical VMAs by struct address; that is not
 *    reproducible, the object id is (same order of allocation, same id).
 *    add_nommu_region BUG()s on two regions starting at the same address;
 *    a NOMMU_MAP_DIRECT file can legitimately produce them (overlapping,
 *    non-nested pgoff ranges), so regions are ordered like VMAs instead.
 *  - Files: TB_FILE_MAP_DIRECT files behave like ramfs (direct, copy,
 *    read/write/exec capabilities, contiguous pages: get_unmapped_area
 *    gives the file's window), TB_FILE_MAP_COPY files like a regular file
 *    on a block device (copy only), files with neither cannot be mapped.
 */
#include "mm/nommu.h"
#include "kernel/lockdep.h"

unsigned long mmap_min_addr = TB_MMAP_MIN_ADDR;
int sysctl_max_map_count = TB_MAX_MAP_COUNT;

struct kmem_cache *vm_area_cachep;
struct kmem_cache *vm_region_jar;
struct rb_root nommu_region_tree = RB_ROOT;
DECLARE_RWSEM(nommu_region_sem);

static pthread_once_t mmap_init_once = PTHREAD_ONCE_INIT;

static void __mmap_init(void)
{
	vm_area_cachep = kmem_cache_create("vm_area_struct",
					   sizeof(struct vm_area_struct),
					   TB_CACHE_VMA);
	vm_region_jar = kmem_cache_create("vm_region_jar",
					  sizeof(struct vm_region),
					  TB_CACHE_REGION);
}

/* proc_caches_init (vm_area_cachep) + nommu's mmap_init (vm_region_jar) */
void mmap_init(void)
{
	pthread_once(&mmap_init_once, __mmap_init);
}

/* ---- object lifetimes ------------------------------------------------- */

static struct vm_region *vm_region_alloc(struct mm_struct *mm)
{
	struct vm_region *region;

	region = kmem_cache_zalloc(vm_region_jar, GFP_KERNEL);
	if (!region)
		return NULL;
	region->tb_id = kmem_obj_id(region);
	region->tb_arena = mm;
	RB_CLEAR_NODE(&region->vm_rb);
	tb_trace_event(TB_EV_REGION_ALLOC, region->tb_id, 0);
	return region;
}

/* kmem_cache_free(vm_region_jar, region), traced */
static void vm_region_free(struct vm_region *region)
{
	tb_trace_event(TB_EV_REGION_FREE, region->tb_id, 0);
	kmem_cache_free(vm_region_jar, region);
}

/* ---- the global region tree ------------------------------------------ */

static int region_cmp(const struct vm_region *a, const struct vm_region *b)
{
	if (a->tb_arena != b->tb_arena)
		return (uintptr_t)a->tb_arena < (uintptr_t)b->tb_arena ? -1 : 1;
	if (a->vm_start != b->vm_start)
		return a->vm_start < b->vm_start ? -1 : 1;
	if (a->vm_end != b->vm_end)
		return a->vm_end < b->vm_end ? -1 : 1;
	if (a->tb_id != b->tb_id)
		return a->tb_id < b->tb_id ? -1 : 1;
	return 0;
}

/* validate_nommu_regions: only the arenas' RAM must not overlap. */
static void validate_nommu_regions(void)
{
	struct vm_region *region, *last = NULL;
	struct rb_node *p;

	for (p = rb_first(&nommu_region_tree); p; p = rb_next(p)) {
		region = rb_entry(p, struct vm_region, vm_rb);
		WARN(region->vm_end <= region->vm_start ||
		     region->vm_top < region->vm_end,
		     "region %llu: bad range %lx-%lx top %lx",
		     (unsigned long long)region->tb_id, region->vm_start,
		     region->vm_end, region->vm_top);
		if (last && last->tb_arena == region->tb_arena &&
		    region->vm_start < NOMMU_PHYS_END)
			WARN(region->vm_start < last->vm_top,
			     "region %llu overlaps region %llu",
			     (unsigned long long)region->tb_id,
			     (unsigned long long)last->tb_id);
		if (region->vm_start < NOMMU_PHYS_END)
			last = region;
	}
}

/* add a region into the global tree; caller holds nommu_region_sem write */
static void add_nommu_region(struct vm_region *region)
{
	struct rb_node **p, *parent = NULL;
	int cmp;

	lockdep_assert_held_write(&nommu_region_sem);
	validate_nommu_regions();

	p = &nommu_region_tree.rb_node;
	while (*p) {
		struct vm_region *pregion;

		parent = *p;
		pregion = rb_entry(parent, struct vm_region, vm_rb);
		cmp = region_cmp(region, pregion);
		if (cmp < 0) {
			p = &(*p)->rb_left;
		} else if (cmp > 0) {
			p = &(*p)->rb_right;
		} else {
			BUG_ON(pregion != region);
			return;
		}
	}

	rb_link_node(&region->vm_rb, parent, p);
	rb_insert_color(&region->vm_rb, &nommu_region_tree);

	validate_nommu_regions();
}

/* delete a region from the global tree; caller holds nommu_region_sem write */
static void delete_nommu_region(struct vm_region *region)
{
	lockdep_assert_held_write(&nommu_region_sem);
	BUG_ON(!nommu_region_tree.rb_node);

	validate_nommu_regions();
	rb_erase(&region->vm_rb, &nommu_region_tree);
	RB_CLEAR_NODE(&region->vm_rb);
	validate_nommu_regions();
}

/*
 * Release a reference to a region; at zero, take it out of the tree (its
 * memory becomes free: free_page_series), drop its file and free it.  The
 * caller holds nommu_region_sem for write; it is released here.
 */
static void __put_nommu_region(struct vm_region *region)
{
	lockdep_assert_held_write(&nommu_region_sem);

	region->vm_usage--;
	tb_trace_event(TB_EV_REGION_PUT, region->tb_id, region->vm_usage);
	if (region->vm_usage == 0) {
		if (region->vm_top > region->vm_start)
			delete_nommu_region(region);
		up_write(&nommu_region_sem);

		if (region->vm_file)
			fput(region->vm_file);
		vm_region_free(region);
	} else {
		WARN(region->vm_usage < 0, "region %llu: vm_usage underflow",
		     (unsigned long long)region->tb_id);
		up_write(&nommu_region_sem);
	}
}

static void put_nommu_region(struct vm_region *region)
{
	down_write(&nommu_region_sem);
	__put_nommu_region(region);
}

/*
 * The model's alloc_pages_exact: first fit in the mm's arena, over the
 * regions already in the tree.  Caller holds nommu_region_sem for write,
 * so nothing can claim the same range before add_nommu_region.  0: no
 * room (-ENOMEM for the caller).
 */
static unsigned long nommu_alloc_pages(const struct mm_struct *mm,
				       unsigned long len)
{
	unsigned long candidate = NOMMU_PHYS_BASE;
	struct rb_node *p;

	lockdep_assert_held_write(&nommu_region_sem);
	if (len > NOMMU_PHYS_SIZE)
		return 0;

	for (p = rb_first(&nommu_region_tree); p; p = rb_next(p)) {
		struct vm_region *region = rb_entry(p, struct vm_region, vm_rb);

		if (region->tb_arena != mm || region->vm_start < NOMMU_PHYS_BASE)
			continue;
		if (region->vm_start >= NOMMU_PHYS_END)
			break;
		if (region->vm_start >= candidate + len)
			break;
		candidate = max(candidate, region->vm_top);
	}
	if (candidate > NOMMU_PHYS_END - len)
		return 0;
	return candidate;
}

/* ---- the mm's VMA tree and list -------------------------------------- */

/*
 * Sort by start, end, then (the kernel: struct address) object id: VMAs
 * sharing a region can be identical.
 */
static int vma_cmp(const struct vm_area_struct *a,
		   const struct vm_area_struct *b)
{
	if (a->vm_start != b->vm_start)
		return a->vm_start < b->vm_start ? -1 : 1;
	if (a->vm_end != b->vm_end)
		return a->vm_end < b->vm_end ? -1 : 1;
	if (a->tb_id != b->tb_id)
		return a->tb_id < b->tb_id ? -1 : 1;
	return 0;
}

/* add a VMA into a process's mm_struct in the appropriate place */
static void add_vma_to_mm(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **p, *parent = NULL, *rb_prev = NULL;
	struct vm_area_struct *prev = NULL;

	BUG_ON(!vma->vm_region);

	mm->map_count++;
	vma->vm_mm = mm;

	p = &mm->mm_rb.rb_node;
	while (*p) {
		struct vm_area_struct *pvma;
		int cmp;

		parent = *p;
		pvma = rb_entry(parent, struct vm_area_struct, vm_rb);
		cmp = vma_cmp(vma, pvma);
		if (cmp < 0) {
			p = &(*p)->rb_left;
		} else if (cmp > 0) {
			rb_prev = parent;
			p = &(*p)->rb_right;
		} else {
			BUG();
			return;
		}
	}

	rb_link_node(&vma->vm_rb, parent, p);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);

	if (rb_prev)
		prev = rb_entry(rb_prev, struct vm_area_struct, vm_rb);
	__vma_link_list(mm, vma, prev, parent);
}

/* delete a VMA from its owning mm_struct */
static void delete_vma_from_mm(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	mm->map_count--;

	rb_erase(&vma->vm_rb, &mm->mm_rb);
	RB_CLEAR_NODE(&vma->vm_rb);

	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma->vm_next;
	else
		mm->mmap = vma->vm_next;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma->vm_prev;
	vma->vm_prev = vma->vm_next = NULL;
}

/* destroy a VMA record */
static void delete_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	(void)mm;
	/* no vm_ops->close in the model */
#ifdef TB_NOMMU_OPEN_CODED_FREE
	if (vma->vm_file)
		fput(vma->vm_file);
	put_nommu_region(vma->vm_region);
	vm_area_free(vma);
#else
	/*
	 * The region first: it is what only nommu knows about.  The VMA's
	 * own file reference then goes in __free_vma, after the region's
	 * (4.16 dropped it before): both are references on the same file,
	 * so neither can be the one that frees it early.
	 */
	put_nommu_region(vma->vm_region);
	__free_vma(vma);
#endif
}

/*
 * look up the first VMA in which addr resides, NULL if none
 * - should be called with mm->mmap_sem at least held readlocked
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	/* trawl the list (there may be multiple mappings in which addr resides) */
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_start > addr)
			return NULL;
		if (vma->vm_end > addr)
			return vma;
	}
	return NULL;
}

/* find a VMA that exactly matches [addr, addr + len) */
static struct vm_area_struct *find_vma_exact(struct mm_struct *mm,
					     unsigned long addr,
					     unsigned long len)
{
	struct vm_area_struct *vma;
	unsigned long end = addr + len;

	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_start < addr)
			continue;
		if (vma->vm_start > addr)
			return NULL;
		if (vma->vm_end == end)
			return vma;
	}
	return NULL;
}

/* ---- mmap ------------------------------------------------------------- */

/* file->f_op->mmap_capabilities: see the file header. */
static unsigned long file_mmap_capabilities(struct file *file)
{
	unsigned long capabilities = 0;

	if (file->flags & TB_FILE_MAP_DIRECT)
		capabilities |= NOMMU_MAP_DIRECT | NOMMU_VMFLAGS;
	if (file->flags & TB_FILE_MAP_COPY)
		capabilities |= NOMMU_MAP_COPY;
	return capabilities;
}

/* A DIRECT file's pages: a window of the arena's address space. */
static bool file_has_window(struct file *file)
{
	return file->size <= (1UL << NOMMU_FILE_WINDOW_SHIFT);
}

static unsigned long file_window(struct file *file)
{
	return NOMMU_FILE_WINDOW + (file->tb_id << NOMMU_FILE_WINDOW_SHIFT);
}

/*
 * f_op->get_unmapped_area of a ramfs-like file: the mapping must not
 * extend beyond EOF; the pages are contiguous, so the address is that of
 * page pgoff.
 */
static long file_get_unmapped_area(struct file *file, unsigned long len,
				   unsigned long pgoff)
{
	unsigned long maxpages = file->size >> PAGE_SHIFT;
	unsigned long lpages = len >> PAGE_SHIFT;

	if (pgoff >= maxpages || maxpages - pgoff < lpages)
		return -EINVAL;
	return (long)(file_window(file) + (pgoff << PAGE_SHIFT));
}

/* f_op->mmap: ramfs_nommu_mmap; a copy-only file has generic_file_mmap. */
static int call_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(file->flags & TB_FILE_MAP_DIRECT))
		return -ENOSYS;
	if (!(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -ENOSYS;
	return 0;
}

/*
 * determine whether a mapping should be permitted and, if so, what sort of
 * mapping we're capable of supporting
 */
static int validate_mmap_request(struct file *file, unsigned long addr,
				 unsigned long len, unsigned long prot,
				 unsigned long flags, unsigned long pgoff,
				 unsigned long *_capabilities)
{
	unsigned long capabilities, rlen;

	(void)addr;
	/* do the simple checks first */
	if (flags & MAP_FIXED)
		return -EINVAL;

	if ((flags & MAP_TYPE) != MAP_PRIVATE &&
	    (flags & MAP_TYPE) != MAP_SHARED)
		return -EINVAL;

	if (!len)
		return -EINVAL;

	/* Careful about overflows.. */
	if (len > TASK_SIZE)
		return -ENOMEM;
	rlen = PAGE_ALIGN(len);
	if (!rlen || rlen > TASK_SIZE)
		return -ENOMEM;

	/* offset overflow? */
	if ((pgoff + (rlen >> PAGE_SHIFT)) < pgoff)
		return -EOVERFLOW;

	if (file) {
		/* work out if what we've got could possibly be shared */
		capabilities = file_mmap_capabilities(file);
		if (!capabilities)
			return -ENODEV;

		/* eliminate any capabilities that we can't support */
		if (!file_has_window(file))
			capabilities &= ~NOMMU_MAP_DIRECT;

		/* all files are open read-write: no FMODE checks fail */
		if (flags & MAP_SHARED) {
			if (!(capabilities & NOMMU_MAP_DIRECT))
				return -ENODEV;

			/* we mustn't privatise shared mappings */
			capabilities &= ~NOMMU_MAP_COPY;
		} else {
			/* we're going to read the file into private memory */
			if (!(capabilities & NOMMU_MAP_COPY))
				return -ENODEV;

			/*
			 * we don't permit a private writable mapping to be
			 * shared with the backing device
			 */
			if (prot & PROT_WRITE)
				capabilities &= ~NOMMU_MAP_DIRECT;
		}

		if (capabilities & NOMMU_MAP_DIRECT) {
			if (((prot & PROT_READ) &&
			     !(capabilities & NOMMU_MAP_READ)) ||
			    ((prot & PROT_WRITE) &&
			     !(capabilities & NOMMU_MAP_WRITE)) ||
			    ((prot & PROT_EXEC) &&
			     !(capabilities & NOMMU_MAP_EXEC))) {
				capabilities &= ~NOMMU_MAP_DIRECT;
				if (flags & MAP_SHARED)
					return -EINVAL;
			}
		}
		/* no noexec mounts, no READ_IMPLIES_EXEC personality */
	} else {
		/*
		 * anonymous mappings are always memory backed and can be
		 * privately mapped
		 */
		capabilities = NOMMU_MAP_COPY;
	}

	*_capabilities = capabilities;
	return 0;
}

static inline unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/*
 * we've determined that we can make the mapping, now translate what we
 * now know into VMA flags
 */
static unsigned long determine_vm_flags(struct file *file, unsigned long prot,
					unsigned long flags,
					unsigned long capabilities)
{
	unsigned long vm_flags;

	vm_flags = calc_vm_prot_bits(prot);

	if (!(capabilities & NOMMU_MAP_DIRECT)) {
		/* attempt to share read-only copies of mapped file chunks */
		vm_flags |= VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
		if (file && !(prot & PROT_WRITE))
			vm_flags |= VM_MAYSHARE;
	} else {
		/*
		 * overlay a shareable mapping on the backing device or inode
		 * if possible
		 */
		vm_flags |= VM_MAYSHARE | (capabilities & NOMMU_VMFLAGS);
		if (flags & MAP_SHARED)
			vm_flags |= VM_SHARED;
	}
	/* no ptrace: private mappings keep VM_MAYSHARE */
	return vm_flags;
}

/* set up a shared mapping on a file (the driver or filesystem provides the pages) */
static int do_mmap_shared_file(struct vm_area_struct *vma)
{
	int ret;

	ret = call_mmap(vma->vm_file, vma);
	if (ret == 0) {
		vma->vm_region->vm_top = vma->vm_region->vm_end;
		return 0;
	}
	if (ret != -ENOSYS)
		return ret;

	/*
	 * getting -ENOSYS indicates that direct mmap isn't possible (as
	 * opposed to tried but failed) so we can only give a suitable error
	 * as it's not possible to make a private copy if MAP_SHARED was given
	 */
	return -ENODEV;
}

/* set up a private mapping or an anonymous shared mapping */
static int do_mmap_private(struct vm_area_struct *vma,
			   struct vm_region *region, unsigned long len,
			   unsigned long capabilities)
{
	unsigned long base;
	int ret;

	/*
	 * invoke the file's mapping function so that it can keep track of
	 * shared mappings on devices or memory
	 * - VM_MAYSHARE will be set if it may attempt to share
	 */
	if (capabilities & NOMMU_MAP_DIRECT) {
		ret = call_mmap(vma->vm_file, vma);
		if (ret == 0) {
			/* shouldn't return success if we're not sharing */
			BUG_ON(!(vma->vm_flags & VM_MAYSHARE));
			vma->vm_region->vm_top = vma->vm_region->vm_end;
			return 0;
		}
		if (ret != -ENOSYS)
			return ret;
		/*
		 * getting an ENOSYS error indicates that direct mmap isn't
		 * possible (as opposed to tried but failed) so we'll try to
		 * make a private copy of the data and map that instead
		 */
	}

	/*
	 * allocate some memory to hold the mapping: alloc_pages_exact with
	 * sysctl_nr_trim_pages = 1 gives exactly len
	 */
	base = nommu_alloc_pages(vma->vm_mm, len);
	if (!base)
		return -ENOMEM;

	region->vm_flags = vma->vm_flags |= VM_MAPPED_COPY;
	region->vm_start = base;
	region->vm_end = region->vm_start + len;
	region->vm_top = region->vm_start + len;

	vma->vm_start = region->vm_start;
	vma->vm_end = region->vm_start + len;

	/* the file's contents are read in (cannot fail in the model) */
	return 0;
}

/*
 * handle mapping creation for uClinux.  Caller holds mmap_sem for write;
 * len is page aligned by validate_mmap_request's caller.
 */
long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr,
	     unsigned long len, unsigned long prot, unsigned long flags,
	     unsigned long pgoff)
{
	struct vm_area_struct *vma;
	struct vm_region *region;
	struct rb_node *rb;
	unsigned long capabilities, vm_flags;
	long result;
	int ret;

	lockdep_assert_held_write(&mm->mmap_sem);

	/* decide whether we should attempt the mapping, and if so what sort of mapping */
	ret = validate_mmap_request(file, addr, len, prot, flags, pgoff,
				    &capabilities);
	if (ret < 0)
		return ret;

	/* we ignore the address hint */
	addr = 0;
	len = PAGE_ALIGN(len);

	/* the testbed's map_count limit holds on every config */
	if (mm->map_count >= sysctl_max_map_count)
		return -ENOMEM;

	vm_flags = determine_vm_flags(file, prot, flags, capabilities);

	/* we're going to need to record the mapping */
	region = vm_region_alloc(mm);
	if (!region)
		goto error_getting_region;

	vma = vm_area_alloc(mm);
	if (!vma)
		goto error_getting_vma;

	region->vm_usage = 1;
	region->vm_flags = vm_flags;
	region->vm_pgoff = pgoff;

	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;

	if (file) {
		region->vm_file = get_file(file);
		vma->vm_file = get_file(file);
	}

	down_write(&nommu_region_sem);

	/*
	 * if we want to share, we need to check for regions created by other
	 * mmap() calls that overlap with our proposed mapping
	 * - we can only share with a superset match on most regular files
	 * - shared mappings on character devices and memory backed files are
	 *   permitted to overlap inexactly as far as we are concerned for in
	 *   these cases, sharing is handled in the driver or filesystem rather
	 *   than here
	 */
	if (vm_flags & VM_MAYSHARE) {
		struct vm_region *pregion;
		unsigned long pglen, rpglen, pgend, rpgend, start;

		pglen = (len + PAGE_SIZE - 1) >> PAGE_SHIFT;
		pgend = pgoff + pglen;

		for (rb = rb_first(&nommu_region_tree); rb; rb = rb_next(rb)) {
			pregion = rb_entry(rb, struct vm_region, vm_rb);

			if (!(pregion->vm_flags & VM_MAYSHARE))
				continue;

			/* search for overlapping mappings on the same file */
			if (pregion->vm_file != file)
				continue;

			if (pregion->vm_pgoff >= pgend)
				continue;

			rpglen = pregion->vm_end - pregion->vm_start;
			rpglen = (rpglen + PAGE_SIZE - 1) >> PAGE_SHIFT;
			rpgend = pregion->vm_pgoff + rpglen;
			if (pgoff >= rpgend)
				continue;

			/*
			 * handle inexactly overlapping matches between
			 * mappings
			 */
			if ((pregion->vm_pgoff != pgoff || rpglen != pglen) &&
			    !(pgoff >= pregion->vm_pgoff && pgend <= rpgend)) {
				/* new mapping is not a subset of the region */
				if (!(capabilities & NOMMU_MAP_DIRECT))
					goto sharing_violation;
				continue;
			}

			/* we've found a region we can share */
			pregion->vm_usage++;
			tb_trace_event(TB_EV_REGION_GET, pregion->tb_id,
				       pregion->vm_usage);
			vma->vm_region = pregion;
			start = pregion->vm_start;
			start += (pgoff - pregion->vm_pgoff) << PAGE_SHIFT;
			vma->vm_start = start;
			vma->vm_end = start + len;

			if (pregion->vm_flags & VM_MAPPED_COPY) {
				vma->vm_flags |= VM_MAPPED_COPY;
			} else {
				ret = do_mmap_shared_file(vma);
				if (ret < 0) {
					vma->vm_region = NULL;
					vma->vm_start = 0;
					vma->vm_end = 0;
					pregion->vm_usage--;
					tb_trace_event(TB_EV_REGION_PUT,
						       pregion->tb_id,
						       pregion->vm_usage);
					pregion = NULL;
					goto error_just_free;
				}
			}
			/* the new region was never used: drop it */
			fput(region->vm_file);
			vm_region_free(region);
			region = pregion;
			result = start;
			goto share;
		}

		/*
		 * obtain the address at which to make a shared mapping
		 * - this is the hook for quasi-memory character devices to
		 *   tell us the location of a shared mapping
		 */
		if (capabilities & NOMMU_MAP_DIRECT) {
			long a = file_get_unmapped_area(file, len, pgoff);

			if (a < 0) {
				ret = (int)a;
				if (ret != -ENOSYS)
					goto error_just_free;

				/*
				 * the driver refused to tell us where to site
				 * the mapping so we'll have to attempt to copy
				 * it
				 */
				ret = -ENODEV;
				if (!(capabilities & NOMMU_MAP_COPY))
					goto error_just_free;

				capabilities &= ~NOMMU_MAP_DIRECT;
			} else {
				vma->vm_start = region->vm_start = a;
				vma->vm_end = region->vm_end = a + len;
			}
		}
	}

	vma->vm_region = region;

	/*
	 * set up the mapping
	 * - the region is filled in if NOMMU_MAP_DIRECT is still set
	 */
	if (file && vma->vm_flags & VM_SHARED)
		ret = do_mmap_shared_file(vma);
	else
		ret = do_mmap_private(vma, region, len, capabilities);
	if (ret < 0)
		goto error_just_free;
	add_nommu_region(region);

	/* clear anonymous mappings that don't ask for uninitialized data */
	result = vma->vm_start;

share:
	add_vma_to_mm(mm, vma);

	/*
	 * we flush the region from the icache only when the first executable
	 * mapping of it is made
	 */
	if (vma->vm_flags & VM_EXEC && !region->vm_icache_flushed)
		region->vm_icache_flushed = true;

	up_write(&nommu_region_sem);
	return result;

error_just_free:
	up_write(&nommu_region_sem);
error:
	if (region->vm_file)
		fput(region->vm_file);
	vm_region_free(region);
#ifdef TB_NOMMU_OPEN_CODED_FREE
	if (vma->vm_file)
		fput(vma->vm_file);
	vm_area_free(vma);
#else
	/* the VMA was never linked and has no region: just free it */
	vma->vm_region = NULL;
	__free_vma(vma);
#endif
	return ret;

sharing_violation:
	up_write(&nommu_region_sem);
	pr_warn("Attempt to share mismatched mappings\n");
	ret = -EINVAL;
	goto error;

error_getting_vma:
	vm_region_free(region);
	pr_warn("Allocation of vma for %lu byte allocation failed\n", len);
	return -ENOMEM;

error_getting_region:
	pr_warn("Allocation of vm region for %lu byte allocation failed\n",
		len);
	return -ENOMEM;
}

/*
 * sys_mmap_pgoff for !MMU: the checks the testbed's API makes on every
 * config (unknown bits), the fd lookup (fget), then do_mmap under
 * mmap_sem.  Returns the address or a negative errno.
 */
long ksys_mmap_pgoff(struct mm_struct *mm, unsigned long addr,
		     unsigned long len, unsigned long prot,
		     unsigned long flags, int fd, unsigned long pgoff)
{
	struct file *file = NULL;
	long ret;

	if (flags & ~(unsigned long)(MAP_SHARED | MAP_PRIVATE | MAP_FIXED |
				     MAP_ANONYMOUS))
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;

	if (!(flags & MAP_ANONYMOUS)) {
		file = fget(fd);
		if (!file)
			return -EBADF;
	}

	down_write(&mm->mmap_sem);
	ret = do_mmap(mm, file, addr, len, prot, flags, pgoff);
	up_write(&mm->mmap_sem);

	if (file)
		fput(file);
	return ret;
}

/* ---- munmap ----------------------------------------------------------- */

/*
 * split a vma into two pieces at address 'addr', a new vma is allocated
 * either for the first part or the tail.
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
	      unsigned long addr, int new_below)
{
	struct vm_area_struct *new;
	struct vm_region *region;
	unsigned long npages;

	/*
	 * we're only permitted to split anonymous regions (these should have
	 * only a single usage on the region)
	 */
	if (vma->vm_file)
		return -ENOMEM;

	if (mm->map_count >= sysctl_max_map_count)
		return -ENOMEM;

	region = vm_region_alloc(mm);
	if (!region)
		return -ENOMEM;

	new = vm_area_alloc(mm);
	if (!new) {
		vm_region_free(region);
		return -ENOMEM;
	}

	/* most fields are the same, copy all, and then fixup */
	new->vm_start = vma->vm_start;
	new->vm_end = vma->vm_end;
	new->vm_flags = vma->vm_flags;
	new->vm_pgoff = vma->vm_pgoff;
	new->vm_file = vma->vm_file;
	new->vm_policy = vma->vm_policy;

	region->vm_flags = vma->vm_region->vm_flags;
	region->vm_start = vma->vm_region->vm_start;
	region->vm_end = vma->vm_region->vm_end;
	region->vm_top = vma->vm_region->vm_top;
	region->vm_pgoff = vma->vm_region->vm_pgoff;
	region->vm_file = vma->vm_region->vm_file;
	region->vm_usage = vma->vm_region->vm_usage;
	region->vm_icache_flushed = vma->vm_region->vm_icache_flushed;
	new->vm_region = region;

	npages = (addr - vma->vm_start) >> PAGE_SHIFT;

	if (new_below) {
		region->vm_top = region->vm_end = new->vm_end = addr;
	} else {
		region->vm_start = new->vm_start = addr;
		region->vm_pgoff = new->vm_pgoff += npages;
	}

	delete_vma_from_mm(vma);
	down_write(&nommu_region_sem);
	delete_nommu_region(vma->vm_region);
	if (new_below) {
		vma->vm_region->vm_start = vma->vm_start = addr;
		vma->vm_region->vm_pgoff = vma->vm_pgoff += npages;
	} else {
		vma->vm_region->vm_end = vma->vm_end = addr;
		vma->vm_region->vm_top = addr;
	}
	add_nommu_region(vma->vm_region);
	add_nommu_region(new->vm_region);
	up_write(&nommu_region_sem);
	add_vma_to_mm(mm, vma);
	add_vma_to_mm(mm, new);
	return 0;
}

/*
 * shrink a VMA by removing the specified chunk from either the beginning
 * or the end
 */
static int shrink_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long from, unsigned long to)
{
	struct vm_region *region;

	/*
	 * adjust the VMA's pointers, which may reposition it in the MM's
	 * tree and list
	 */
	delete_vma_from_mm(vma);
	if (from > vma->vm_start)
		vma->vm_end = from;
	else
		vma->vm_start = to;
	add_vma_to_mm(mm, vma);

	/* cut the backing region down to size */
	region = vma->vm_region;
	BUG_ON(region->vm_usage != 1);

	down_write(&nommu_region_sem);
	delete_nommu_region(region);
	if (from > region->vm_start) {
		to = region->vm_top;
		region->vm_top = region->vm_end = from;
	} else {
		region->vm_start = to;
	}
	add_nommu_region(region);
	up_write(&nommu_region_sem);

	/* free_page_series(from, to): the range is free once out of the tree */
	return 0;
}

/*
 * release a mapping
 * - under NOMMU conditions the chunk to be unmapped must be backed by a
 *   single VMA, though it need not cover the whole VMA
 */
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	struct vm_area_struct *vma;
	unsigned long end;
	int ret;

	lockdep_assert_held_write(&mm->mmap_sem);

	len = PAGE_ALIGN(len);
	if (len == 0)
		return -EINVAL;

	end = start + len;

	/* find the first potentially overlapping VMA */
	vma = find_vma(mm, start);
	if (!vma)
		return -EINVAL;

	/* we're allowed to split an anonymous VMA but not a file-backed one */
	if (vma->vm_file) {
		do {
			if (start > vma->vm_start)
				return -EINVAL;
			if (end == vma->vm_end)
				goto erase_whole_vma;
			vma = vma->vm_next;
		} while (vma);
		return -EINVAL;
	} else {
		/* the chunk must be a subset of the VMA found */
		if (start == vma->vm_start && end == vma->vm_end)
			goto erase_whole_vma;
		if (start < vma->vm_start || end > vma->vm_end)
			return -EINVAL;
		if (offset_in_page(start))
			return -EINVAL;
		if (end != vma->vm_end && offset_in_page(end))
			return -EINVAL;
		if (start != vma->vm_start && end != vma->vm_end) {
			ret = split_vma(mm, vma, start, 1);
			if (ret < 0)
				return ret;
		}
		return shrink_vma(mm, vma, start, end);
	}

erase_whole_vma:
	delete_vma_from_mm(vma);
	delete_vma(mm, vma);
	return 0;
}

int vm_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	int ret;

	if (munmap_range_invalid(start, len))
		return -EINVAL;
	down_write(&mm->mmap_sem);
	ret = do_munmap(mm, start, len);
	up_write(&mm->mmap_sem);
	return ret;
}

/* release all the mappings made in a process's VM space */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	if (!mm)
		return;

	while ((vma = mm->mmap)) {
		mm->mmap = vma->vm_next;
		delete_vma_from_mm(vma);
		delete_vma(mm, vma);
	}
	mm->mm_rb = RB_ROOT;
	mm->map_count = 0;
}

/* ---- validate_mm ------------------------------------------------------ */

/*
 * The nommu form of validate_mm: list and tree agree and are sorted by
 * (start, end, id), map_count is right, every VMA has a live region in
 * the global tree that contains it.  Returns the number of problems.
 */
int validate_mm(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *prev = NULL;
	struct rb_node *nd;
	int bug = 0, i = 0;

	nd = rb_first(&mm->mm_rb);
	down_read(&nommu_region_sem);
	for (vma = mm->mmap; vma; prev = vma, vma = vma->vm_next, i++) {
		struct vm_region *region = vma->vm_region;

		if (WARN(vma->vm_prev != prev, "vma %llu: vm_prev wrong",
			 (unsigned long long)vma->tb_id))
			bug++;
		if (WARN(prev && vma_cmp(prev, vma) >= 0,
			 "vma %llu: list not sorted",
			 (unsigned long long)vma->tb_id))
			bug++;
		if (WARN(!nd || rb_entry(nd, struct vm_area_struct, vm_rb) != vma,
			 "vma %llu: mm_rb and the list disagree",
			 (unsigned long long)vma->tb_id))
			bug++;
		if (nd)
			nd = rb_next(nd);
		if (WARN(vma->vm_start >= vma->vm_end,
			 "vma %llu: empty range", (unsigned long long)vma->tb_id))
			bug++;
		if (WARN(!find_vma_exact(mm, vma->vm_start,
					 vma->vm_end - vma->vm_start),
			 "vma %llu: find_vma_exact cannot find it",
			 (unsigned long long)vma->tb_id))
			bug++;
		if (WARN(!region, "vma %llu: no vm_region",
			 (unsigned long long)vma->tb_id)) {
			bug++;
			continue;
		}
		if (WARN(kmem_obj_freed(region) || region->vm_usage < 1 ||
			 RB_EMPTY_NODE(&region->vm_rb),
			 "vma %llu: region %llu dead or out of the tree",
			 (unsigned long long)vma->tb_id,
			 (unsigned long long)region->tb_id)) {
			bug++;
			continue;
		}
		if (WARN(vma->vm_start < region->vm_start ||
			 vma->vm_end > region->vm_top,
			 "vma %llu %lx-%lx outside region %llu %lx-%lx",
			 (unsigned long long)vma->tb_id, vma->vm_start,
			 vma->vm_end, (unsigned long long)region->tb_id,
			 region->vm_start, region->vm_top))
			bug++;
		if (WARN(region->vm_file != vma->vm_file,
			 "vma %llu: region %llu maps another file",
			 (unsigned long long)vma->tb_id,
			 (unsigned long long)region->tb_id))
			bug++;
	}
	up_read(&nommu_region_sem);
	if (WARN(nd, "mm_rb has more VMAs than the list"))
		bug++;
	if (WARN(i != mm->map_count, "map_count %d != %d VMAs",
		 mm->map_count, i))
		bug++;
	return bug;
}
