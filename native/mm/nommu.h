/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm/nommu.h - the !CONFIG_MMU part of the model: struct vm_region (4.16
 * include/linux/mm_types.h), the NOMMU_MAP_* capabilities
 * (include/linux/fs.h) and what nommu.c exports to the API layer.
 *
 * Only the nommu configs include this header.
 */
#ifndef _TB_MM_NOMMU_H
#define _TB_MM_NOMMU_H

#ifdef CONFIG_MMU
#error "mm/nommu.h is for !CONFIG_MMU builds only"
#endif

/*
 * The SPF series' Kconfig: SPECULATIVE_PAGE_FAULT depends on MMU.  Without
 * an MMU there are no page faults to handle speculatively, no page tables
 * to populate behind mmap_sem's back, and nothing that would ever take a
 * vm_ref_count reference: the option is meaningless and must not build.
 */
#ifdef CONFIG_SPECULATIVE_PAGE_FAULT
#error "CONFIG_SPECULATIVE_PAGE_FAULT depends on CONFIG_MMU: without an MMU there are no page faults to handle speculatively"
#endif

#include "mm/internal.h"
#include "kernel/rwsem.h"

/* include/linux/fs.h: what a file lets a !MMU mapping do with it. */
#define NOMMU_MAP_COPY		0x00000001	/* private copies allowed */
#define NOMMU_MAP_DIRECT	0x00000008	/* can be mapped in place */
#define NOMMU_MAP_READ		VM_MAYREAD
#define NOMMU_MAP_WRITE		VM_MAYWRITE
#define NOMMU_MAP_EXEC		VM_MAYEXEC
#define NOMMU_VMFLAGS	(NOMMU_MAP_READ | NOMMU_MAP_WRITE | NOMMU_MAP_EXEC)

/* VM_ARCH_1 on !MMU: the region is a private copy of the file. */
#define VM_MAPPED_COPY		0x01000000UL

/*
 * A region of "physical" memory that one or more VMAs map (shared file
 * mappings share one).  vm_usage and the tree linkage are protected by
 * nommu_region_sem.
 */
struct vm_region {
	struct rb_node vm_rb;		/* link in the global region tree */
	unsigned long vm_flags;		/* VMA vm_flags */
	unsigned long vm_start;		/* start address of region */
	unsigned long vm_end;		/* region initialised to here */
	unsigned long vm_top;		/* region allocated to here */
	unsigned long vm_pgoff;		/* vm_file offset of vm_start */
	struct file *vm_file;		/* the backing file or NULL */
	int vm_usage;			/* region usage count */
	bool vm_icache_flushed;
	/*
	 * test-only: the "machine" whose physical memory the region lives
	 * in (see nommu.c: one physical address space per mm, so that
	 * addresses do not depend on what other mms of the process do).
	 */
	const struct mm_struct *tb_arena;
	u64 tb_id;			/* test-only: per-mm object id */
};

extern struct rb_root nommu_region_tree;
extern struct rw_semaphore nommu_region_sem;
extern struct kmem_cache *vm_region_jar;

/*
 * The model's physical memory, per arena: private copies and anonymous
 * mappings are carved from [NOMMU_PHYS_BASE, NOMMU_PHYS_END) first-fit;
 * a NOMMU_MAP_DIRECT file (ramfs-like) has its pages, contiguous, at
 * NOMMU_FILE_WINDOW + (file id << NOMMU_FILE_WINDOW_SHIFT).
 */
#define NOMMU_PHYS_BASE		0x40000000UL
#define NOMMU_PHYS_SIZE		0x40000000UL	/* 1 GiB of "RAM" */
#define NOMMU_PHYS_END		(NOMMU_PHYS_BASE + NOMMU_PHYS_SIZE)
#define NOMMU_FILE_WINDOW	0x10000000000UL
#define NOMMU_FILE_WINDOW_SHIFT	32		/* <= 4 GiB per file */

/* The object id of vma's region, for tb_vma_info (0: none). */
static inline u64 vma_region_id(const struct vm_area_struct *vma)
{
	return vma->vm_region ? vma->vm_region->tb_id : 0;
}

#ifdef TB_NOMMU_OPEN_CODED_FREE
#define TB_NOMMU_SHARED_FREE	0
#else
#define TB_NOMMU_SHARED_FREE	1
#endif

#endif /* _TB_MM_NOMMU_H */
