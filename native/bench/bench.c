// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/bench.c - the pure-C timing driver: the floor of the fault
 * lookup on this machine, each design's hot paths, and the op mix the
 * C# driver runs through tb_batch (for the interop ratio).
 *
 * The floor is what any VMA lookup under a reader lock must at least do:
 * an uncontended reader lock + unlock (a pthread rwlock like mm_rb_lock),
 * an atomic increment + decrement (like vm_ref_count's get/put) and a
 * red-black tree walk of the same depth as the hot path's (kernel/rbtree.c
 * keyed like mm_rb).  The hot paths run in a library loaded with dlopen
 * (normally a perf-flavour one), so one binary times every config:
 *
 *   bench floor [-v vmas] [-n iters] [-r repeats]
 *   bench hot   -l lib [-v vmas] [-n iters] [-r repeats]
 *   bench mix   -l lib [-n rounds] [-b batch] [-r repeats]
 *   bench kernel -w workload [-n ops] [-r repeats]
 *   bench wakeup [-n hand-overs per thread] [-r repeats]
 *   bench zero [-n huge pages] [-r repeats]
 *
 * Each prints one JSON object per line; times are the median over the
 * repeats, in nanoseconds per operation.  The kernel mode times the host
 * kernel itself (real mmap, page faults and munmap) in the shapes of the
 * bench workloads: the local work the simulation's model leaves out.  The mix is rounds of
 * { mmap 16 anonymous pages, 16 write faults, 16 read faults, munmap } at
 * one address, run through tb_batch in batches of -b operations;
 * HotPaths.MixOps (harness/Testbed.Harness.Bench/HotPaths.cs) generates
 * the same stream.  The wakeup mode times a sleeping thread's wake-up by
 * the kernel: two threads pinned to two CPUs hand a turn back and forth
 * through a futex, the simulation's wake-up without any runtime between.
 * The zero mode times what a bigger base page adds per further 4 KiB: a
 * write fault that the kernel serves with a transparent huge page against
 * the 4 KiB faults of the same 2 MiB.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "kernel/rbtree.h"
#include "testbed.h"

#define MAX_REPEATS	64
#define VMA_GAP_PAGES	8	/* each VMA: 4 pages, then 4 unmapped */
#define VMA_PAGES	4
#define MIX_PAGES	16
#define MIX_ADDR	0x200000000ULL
#define HOT_BASE	0x100000000ULL

struct lib {
	void *dl;
	int (*get_config)(struct tb_config_info *);
	int (*mm_create)(uint32_t, tb_mm_t *);
	int (*mm_destroy)(tb_mm_t);
	int64_t (*mmap)(tb_mm_t, uint64_t, uint64_t, uint32_t, uint32_t, int,
			uint64_t);
	int (*fault)(tb_mm_t, uint64_t, uint32_t);
	int (*batch)(tb_mm_t, struct tb_op *, int);
	int (*get_vma)(tb_mm_t, uint64_t, uint64_t *, struct tb_vma_info *);
	int (*put_vma)(tb_mm_t, uint64_t);
	/* optional: libraries without it try SPF in every mm */
	int (*set_threads)(tb_mm_t, uint32_t);
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(2);
}

static void *sym(void *dl, const char *name)
{
	void *p = dlsym(dl, name);

	if (!p) {
		fprintf(stderr, "bench: %s: %s\n", name, dlerror());
		exit(2);
	}
	return p;
}

static void load(struct lib *l, const char *path)
{
	l->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!l->dl) {
		fprintf(stderr, "bench: %s\n", dlerror());
		exit(2);
	}
	l->get_config = sym(l->dl, "tb_get_config");
	l->mm_create = sym(l->dl, "tb_mm_create");
	l->mm_destroy = sym(l->dl, "tb_mm_destroy");
	l->mmap = sym(l->dl, "tb_mmap");
	l->fault = sym(l->dl, "tb_fault");
	l->batch = sym(l->dl, "tb_batch");
	l->get_vma = sym(l->dl, "tb_get_vma");
	l->put_vma = sym(l->dl, "tb_put_vma");
	l->set_threads = dlsym(l->dl, "tb_mm_set_threads");
}

/*
 * A two-thread mm: the series tries the speculative path only while the
 * mm has another user.  The second thread never runs: no contention.
 */
static tb_mm_t new_mm(struct lib *l)
{
	tb_mm_t mm;

	if (l->mm_create(0, &mm))
		die("tb_mm_create failed");
	if (l->set_threads && l->set_threads(mm, 2))
		die("tb_mm_set_threads failed");
	return mm;
}

/* ---- floor ------------------------------------------------------------ */

struct fake_vma {
	unsigned long vm_start, vm_end;
	struct rb_node vm_rb;
};

static void fake_insert(struct rb_root *root, struct fake_vma *v)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		struct fake_vma *t = rb_entry(*link, struct fake_vma, vm_rb);

		parent = *link;
		link = v->vm_start < t->vm_start ? &(*link)->rb_left :
						     &(*link)->rb_right;
	}
	rb_link_node(&v->vm_rb, parent, link);
	rb_insert_color(&v->vm_rb, root);
}

/* mm/mmap.c's __find_vma walk; *depth = nodes visited. */
static struct fake_vma *fake_find(struct rb_root *root, unsigned long addr,
				  int *depth)
{
	struct rb_node *n = root->rb_node;
	struct fake_vma *vma = NULL;
	int d = 0;

	while (n) {
		struct fake_vma *t = rb_entry(n, struct fake_vma, vm_rb);

		d++;
		if (READ_ONCE(t->vm_end) > addr) {
			vma = t;
			if (READ_ONCE(t->vm_start) <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	*depth = d;
	return vma;
}

static unsigned long hot_addr(int vmas)
{
	return HOT_BASE + (unsigned long)(vmas / 2) * VMA_GAP_PAGES * TB_PAGE_SIZE;
}

static void run_floor(int vmas, long iters, int repeats)
{
	double lock_ns[MAX_REPEATS], atomic_ns[MAX_REPEATS], walk_ns[MAX_REPEATS];
	struct fake_vma *v = calloc((size_t)vmas, sizeof(*v));
	struct rb_root root = RB_ROOT;
	pthread_rwlockattr_t attr;
	pthread_rwlock_t rw;
	unsigned long addr = hot_addr(vmas);
	volatile int sink = 0;
	int counter = 1, depth = 0, r, i;
	long k;

	if (!v)
		die("out of memory");
	for (i = 0; i < vmas; i++) {
		v[i].vm_start = HOT_BASE + (unsigned long)i * VMA_GAP_PAGES *
			TB_PAGE_SIZE;
		v[i].vm_end = v[i].vm_start + VMA_PAGES * TB_PAGE_SIZE;
		fake_insert(&root, &v[i]);
	}
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&rw, &attr);

	for (r = 0; r < repeats; r++) {
		double t0 = now_ns();

		for (k = 0; k < iters; k++) {
			pthread_rwlock_rdlock(&rw);
			pthread_rwlock_unlock(&rw);
		}
		lock_ns[r] = (now_ns() - t0) / (double)iters;

		t0 = now_ns();
		for (k = 0; k < iters; k++) {
			__atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
			__atomic_sub_fetch(&counter, 1, __ATOMIC_SEQ_CST);
		}
		atomic_ns[r] = (now_ns() - t0) / (double)iters;

		t0 = now_ns();
		for (k = 0; k < iters; k++)
			sink += fake_find(&root, addr + (unsigned long)(k & 3) *
					  TB_PAGE_SIZE, &depth) != NULL;
		walk_ns[r] = (now_ns() - t0) / (double)iters;
	}
	printf("{\"kind\":\"floor\",\"vmas\":%d,\"rb_depth\":%d,"
	       "\"rwlock_read_ns\":%.2f,\"atomic_incdec_ns\":%.2f,"
	       "\"rb_walk_ns\":%.2f,\"repeats\":%d,\"iters\":%ld}\n",
	       vmas, depth, median(lock_ns, repeats),
	       median(atomic_ns, repeats), median(walk_ns, repeats),
	       repeats, iters);
	pthread_rwlock_destroy(&rw);
	free(v);
	(void)sink;
}

/* ---- hot paths -------------------------------------------------------- */

/* vmas separate anonymous VMAs of VMA_PAGES pages, every page populated. */
static tb_mm_t hot_mm(struct lib *l, int vmas)
{
	tb_mm_t mm = new_mm(l);
	int i, p;

	for (i = 0; i < vmas; i++) {
		uint64_t a = HOT_BASE + (uint64_t)i * VMA_GAP_PAGES * TB_PAGE_SIZE;

		if (l->mmap(mm, a, VMA_PAGES * TB_PAGE_SIZE,
			    TB_PROT_READ | TB_PROT_WRITE,
			    TB_MAP_PRIVATE | TB_MAP_ANONYMOUS | TB_MAP_FIXED,
			    -1, 0) != (int64_t)a)
			die("tb_mmap failed");
		for (p = 0; p < VMA_PAGES; p++)
			if (l->fault(mm, a + (uint64_t)p * TB_PAGE_SIZE,
				     TB_FAULT_WRITE) < 0)
				die("tb_fault failed");
	}
	return mm;
}

static void run_hot(struct lib *l, int vmas, long iters, int repeats)
{
	double batch_ns[MAX_REPEATS], call_ns[MAX_REPEATS], ref_ns[MAX_REPEATS];
	struct tb_config_info cfg;
	struct tb_vma_info info;
	struct tb_op ops[256];
	unsigned long addr = hot_addr(vmas);
	tb_mm_t mm = hot_mm(l, vmas);
	uint64_t ref;
	int r, i, spec = 0;
	long k;

	l->get_config(&cfg);
	for (i = 0; i < 256; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].kind = TB_OP_FAULT;
		ops[i].addr = addr + (uint64_t)(i & 3) * TB_PAGE_SIZE;
		ops[i].fd = -1;
	}
	/* one untimed pass: a fresh process's heap and caches are cold */
	for (k = 0; k < iters; k += 256)
		if (l->batch(mm, ops, 256) != 256)
			die("tb_batch failed");
	for (r = 0; r < repeats; r++) {
		double t0 = now_ns();

		for (k = 0; k < iters; k += 256)
			if (l->batch(mm, ops, 256) != 256)
				die("tb_batch failed");
		batch_ns[r] = (now_ns() - t0) / (double)(iters / 256 * 256);

		t0 = now_ns();
		for (k = 0; k < iters; k++)
			spec += l->fault(mm, addr + (uint64_t)(k & 3) *
					 TB_PAGE_SIZE, 0) ==
				TB_FAULT_DONE_SPECULATIVE;
		call_ns[r] = (now_ns() - t0) / (double)iters;

		/* get_vma/put_vma exist on SPF configs only */
		ref_ns[r] = -1;
		if (l->get_vma(mm, addr, &ref, &info) != 0)
			continue;
		l->put_vma(mm, ref);
		t0 = now_ns();
		for (k = 0; k < iters; k++) {
			if (l->get_vma(mm, addr, &ref, &info) != 0 ||
			    l->put_vma(mm, ref) != 0)
				die("tb_get_vma/tb_put_vma failed");
		}
		ref_ns[r] = (now_ns() - t0) / (double)iters;
	}
	printf("{\"kind\":\"hot\",\"config\":\"%s\",\"flavour\":%u,\"vmas\":%d,"
	       "\"fault_batch_ns\":%.2f,\"fault_call_ns\":%.2f,"
	       "\"get_put_call_ns\":%.2f,\"speculative\":%s,\"repeats\":%d,"
	       "\"iters\":%ld}\n",
	       cfg.name, cfg.flavour, vmas, median(batch_ns, repeats),
	       median(call_ns, repeats), median(ref_ns, repeats),
	       spec ? "true" : "false", repeats, iters);
	l->mm_destroy(mm);
}

/* ---- the interop mix -------------------------------------------------- */

/* Operation i of the mix (rounds of 2 + 2 * MIX_PAGES operations). */
static void mix_op(long i, struct tb_op *op)
{
	long per = 2 + 2 * MIX_PAGES, j = i % per;

	memset(op, 0, sizeof(*op));
	op->fd = -1;
	if (j == 0) {
		op->kind = TB_OP_MMAP;
		op->addr = MIX_ADDR;
		op->len = MIX_PAGES * TB_PAGE_SIZE;
		op->prot = TB_PROT_READ | TB_PROT_WRITE;
		op->flags = TB_MAP_PRIVATE | TB_MAP_ANONYMOUS | TB_MAP_FIXED;
	} else if (j == per - 1) {
		op->kind = TB_OP_MUNMAP;
		op->addr = MIX_ADDR;
		op->len = MIX_PAGES * TB_PAGE_SIZE;
	} else {
		op->kind = TB_OP_FAULT;
		op->addr = MIX_ADDR + (uint64_t)((j - 1) % MIX_PAGES) * TB_PAGE_SIZE;
		op->flags = j <= MIX_PAGES ? TB_FAULT_WRITE : 0;
	}
}

static void run_mix(struct lib *l, long rounds, int batch, int repeats)
{
	long total = rounds * (2 + 2 * MIX_PAGES), i, done;
	struct tb_op *all = calloc((size_t)total, sizeof(*all));
	struct tb_op *work = calloc((size_t)batch, sizeof(*work));
	double ns[MAX_REPEATS];
	tb_mm_t mm;
	int r;

	if (!all || !work)
		die("out of memory");
	for (i = 0; i < total; i++)
		mix_op(i, &all[i]);
	mm = new_mm(l);
	/* repeat -1 is an untimed pass: a fresh process's heap is cold */
	for (r = -1; r < repeats; r++) {
		double t0 = now_ns();

		for (done = 0; done < total; done += batch) {
			int n = total - done < batch ? (int)(total - done) : batch;

			/* the C# side converts its operations each batch too */
			memcpy(work, &all[done], (size_t)n * sizeof(*work));
			if (l->batch(mm, work, n) != n)
				die("tb_batch failed");
		}
		if (r >= 0)
			ns[r] = (now_ns() - t0) / (double)total;
	}
	printf("{\"kind\":\"mix\",\"ops\":%ld,\"batch\":%d,\"op_ns\":%.2f,"
	       "\"repeats\":%d}\n", total, batch, median(ns, repeats), repeats);
	l->mm_destroy(mm);
	free(all);
	free(work);
}

/* ---- the host kernel -------------------------------------------------- */

/*
 * The kernel's own cost of each operation kind, in the shapes of the bench
 * workloads (BenchWorkload.Mimics): real mmap, page faults and munmap on
 * this host, timed by clock_gettime around each run of same-kind
 * operations (one mmap, the faults of one mapping, one munmap), in a
 * two-thread mm (a second thread parked in read(), as the calibration's mm
 * has a second user).  Transparent huge pages are off for the process
 * (PR_SET_THP_DISABLE): the model faults 4 KiB pages.  Per repeat: one
 * iteration untimed (the page-cache file populated, the allocator warm),
 * then whole iterations, at least -n operations; per kind the time over the
 * count, the median over repeats.
 */

enum kkind { K_MMAP, K_FAULT, K_MUNMAP, K_KINDS };

static const char *const kkind_name[K_KINDS] = { "Mmap", "Fault", "Munmap" };

#define KPAGE		4096UL
#define K128M		(128UL << 20)
#define EBIZZY_LEN	(512UL << 10)
#define SINGLE_PAGES	256L
#define KFILE_DIR	"/tmp"

struct ktimes {
	double ns[K_KINDS];
	long n[K_KINDS];
};

struct kwork {
	const char *name;
	long ops;		/* operations per iteration */
	void (*iteration)(struct kwork *w, struct ktimes *t);
	int fd;			/* page-fault2/3's file, or -1 */
	char *region;		/* pft's and single-vma's VMA */
	long pages;		/* its pages */
};

static void die_errno(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Adds the run that started at t0 to t (untimed when t is NULL). */
static void kcharge(struct ktimes *t, enum kkind kind, double t0, long n)
{
	double t1 = now_ns();

	if (t) {
		t->ns[kind] += t1 - t0;
		t->n[kind] += n;
	}
}

static char *kmap(size_t len, int flags, int fd, struct ktimes *t)
{
	double t0 = now_ns();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);

	kcharge(t, K_MMAP, t0, 1);
	if (p == MAP_FAILED)
		die_errno("mmap");
	return p;
}

static void kunmap(char *p, size_t len, struct ktimes *t)
{
	double t0 = now_ns();
	int ret = munmap(p, len);

	kcharge(t, K_MUNMAP, t0, 1);
	if (ret)
		die_errno("munmap");
}

/* One access per page: each takes one fault (write, or read of a hole). */
static void ktouch(char *p, long pages, int write, struct ktimes *t)
{
	volatile char *v = (volatile char *)p;
	double t0 = now_ns();
	char sink = 0;
	long i;

	for (i = 0; i < pages; i++) {
		if (write)
			v[i * KPAGE] = 0;
		else
			sink += v[i * KPAGE];
	}
	kcharge(t, K_FAULT, t0, pages);
	(void)sink;
}

/* ebizzy: mmap a 512 KiB copy, write each of its 128 pages, munmap. */
static void k_ebizzy(struct kwork *w, struct ktimes *t)
{
	char *p = kmap(EBIZZY_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, t);

	(void)w;
	ktouch(p, EBIZZY_LEN / KPAGE, 1, t);
	kunmap(p, EBIZZY_LEN, t);
}

/* page_fault1/2/3: mmap 128 MiB, write every page, munmap. */
static void k_page_fault(struct kwork *w, struct ktimes *t, int flags)
{
	char *p = kmap(K128M, flags, w->fd, t);

	ktouch(p, K128M / KPAGE, 1, t);
	kunmap(p, K128M, t);
}

static void k_page_fault1(struct kwork *w, struct ktimes *t)
{
	k_page_fault(w, t, MAP_PRIVATE | MAP_ANONYMOUS);
}

static void k_page_fault2(struct kwork *w, struct ktimes *t)
{
	k_page_fault(w, t, MAP_PRIVATE);
}

static void k_page_fault3(struct kwork *w, struct ktimes *t)
{
	k_page_fault(w, t, MAP_SHARED);
}

/*
 * malloc1 as its threads run it: glibc maps 128 MiB + 4 KiB, writes the
 * chunk header (one fault on the first page) and unmaps it.  With many
 * threads the chunk lands in the hole another thread's munmap left
 * between two live, written chunks (get_unmapped_area's highest gap that
 * fits): the mmap merges with both and so takes their anon_vma, the fault
 * finds it (no anon_vma_prepare) and the page table the hole's last
 * occupant used (free_pgtables keeps a table the live neighbour below
 * shares), and the munmap splits the run again.  A lone chunk's first
 * fault, which prepares an anon_vma, is another path, one only a single
 * thread takes.  k_malloc1_setup makes the hole; each iteration maps into
 * it (checked) and unmaps it.
 */
#define MALLOC1_LEN	(K128M + KPAGE)

static void k_malloc1(struct kwork *w, struct ktimes *t)
{
	char *p = kmap(MALLOC1_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, t);

	if (p != w->region) {
		fprintf(stderr, "bench: malloc1: the chunk landed at %p, not in the hole at %p\n",
			(void *)p, (void *)w->region);
		exit(2);
	}
	ktouch(p, 1, 1, t);
	kunmap(p, MALLOC1_LEN, t);
}

/* Whether one line of /proc/self/maps covers [lo, hi): one VMA, merged. */
static int one_vma(char *lo, char *hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end;
	char line[512];
	int found = 0;

	if (!f)
		die_errno("fopen /proc/self/maps");
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start <= (unsigned long)lo && (unsigned long)hi <= end)
			found = 1;
	fclose(f);
	return found;
}

/*
 * Three chunks mapped one below the other (top-down placement puts each
 * right below the last), each header written, the middle one unmapped:
 * the hole between two written chunks.  The first mapping into it must
 * make one VMA of all three.
 */
static void k_malloc1_setup(struct kwork *w)
{
	char *a = kmap(MALLOC1_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
	char *b = kmap(MALLOC1_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
	char *c = kmap(MALLOC1_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);

	if (b != a - MALLOC1_LEN || c != b - MALLOC1_LEN) {
		fprintf(stderr, "bench: malloc1: chunks at %p, %p, %p are not one below the other\n",
			(void *)a, (void *)b, (void *)c);
		exit(2);
	}
	ktouch(a, 1, 1, NULL);
	ktouch(b, 1, 1, NULL);
	ktouch(c, 1, 1, NULL);
	kunmap(b, MALLOC1_LEN, NULL);
	w->region = b;
	w->pages = 3 * (MALLOC1_LEN / KPAGE);
	b = kmap(MALLOC1_LEN, MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
	if (b != w->region || !one_vma(c, a + MALLOC1_LEN)) {
		fprintf(stderr, "bench: malloc1: a chunk mapped into the hole at %p did not merge with its neighbours\n",
			(void *)w->region);
		exit(2);
	}
	kunmap(b, MALLOC1_LEN, NULL);
}

/* pft: write-fault every page of a fresh anonymous VMA (its map and unmap untimed). */
static void k_pft(struct kwork *w, struct ktimes *t)
{
	char *p = kmap((size_t)w->pages * KPAGE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, NULL);

	ktouch(p, w->pages, 1, t);
	kunmap(p, (size_t)w->pages * KPAGE, NULL);
}

/*
 * single-vma: the model read-faults pages of a populated VMA, which the
 * kernel does without a fault; the nearest fault it takes is a read fault
 * that maps the zero page, after MADV_DONTNEED emptied the VMA (untimed).
 */
static void k_single_vma(struct kwork *w, struct ktimes *t)
{
	if (madvise(w->region, (size_t)w->pages * KPAGE, MADV_DONTNEED))
		die_errno("madvise");
	ktouch(w->region, w->pages, 0, t);
}

static struct kwork kworks[] = {
	{ "ebizzy", 2 + EBIZZY_LEN / KPAGE, k_ebizzy, -1, NULL, 0 },
	{ "page-fault1", 2 + K128M / KPAGE, k_page_fault1, -1, NULL, 0 },
	{ "page-fault2", 2 + K128M / KPAGE, k_page_fault2, -1, NULL, 0 },
	{ "page-fault3", 2 + K128M / KPAGE, k_page_fault3, -1, NULL, 0 },
	{ "malloc1", 3, k_malloc1, -1, NULL, 0 },
	{ "single-vma", SINGLE_PAGES, k_single_vma, -1, NULL, SINGLE_PAGES },
	{ "pft", 0, k_pft, -1, NULL, 0 },
};

static struct kwork *kwork_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kworks) / sizeof(kworks[0]); i++)
		if (!strcmp(kworks[i].name, name))
			return &kworks[i];
	fprintf(stderr, "bench: unknown workload '%s' (known:", name);
	for (i = 0; i < sizeof(kworks) / sizeof(kworks[0]); i++)
		fprintf(stderr, " %s", kworks[i].name);
	fprintf(stderr, ")\n");
	exit(2);
}

/* will-it-scale's file: mkstemp in /tmp, unlinked, ftruncated to 128 MiB. */
static int kfile(void)
{
	char path[] = KFILE_DIR "/bench-kernel-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		die_errno("mkstemp");
	unlink(path);
	if (ftruncate(fd, (off_t)K128M))
		die_errno("ftruncate");
	return fd;
}

static const char *fs_name(const char *dir)
{
	static char other[32];
	struct statfs st;

	if (statfs(dir, &st))
		die_errno("statfs");
	switch ((unsigned long)st.f_type) {
	case 0x01021994UL: return "tmpfs";
	case 0xEF53UL: return "ext4";
	case 0x58465342UL: return "xfs";
	case 0x9123683EUL: return "btrfs";
	case 0x794C7630UL: return "overlayfs";
	default:
		snprintf(other, sizeof(other), "0x%lx",
			 (unsigned long)st.f_type);
		return other;
	}
}

/* What a clock_gettime pair costs here (in every timed run once). */
static double clock_pair_ns(void)
{
	double v[MAX_REPEATS];
	int r, i;

	for (r = 0; r < MAX_REPEATS; r++) {
		double t0 = now_ns(), t1 = t0;

		for (i = 0; i < 1000; i++)
			t1 = now_ns();
		v[r] = (t1 - t0) / 1000;
	}
	return median(v, MAX_REPEATS);
}

static void *kparked(void *arg)
{
	char c;

	/* returns when main closes the pipe's write end */
	while (read(*(int *)arg, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void run_kernel(const char *name, long ops, int repeats)
{
	double ns[K_KINDS][MAX_REPEATS];
	struct kwork *w = kwork_find(name);
	struct utsname uts;
	pthread_t parked;
	int pipefd[2], r, k, first = 1;
	long it, iterations;
	const char *fs = NULL;

	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		die_errno("prctl(PR_SET_THP_DISABLE)");
	if (uname(&uts))
		die_errno("uname");
	if (pipe(pipefd))
		die_errno("pipe");
	if (pthread_create(&parked, NULL, kparked, &pipefd[0]))
		die("pthread_create failed");
	if (w->iteration == k_pft) {
		w->pages = ops;
		w->ops = ops;
	}
	if (w->iteration == k_page_fault2 || w->iteration == k_page_fault3) {
		w->fd = kfile();
		fs = fs_name(KFILE_DIR);
	}
	if (w->iteration == k_malloc1)
		k_malloc1_setup(w);
	if (w->iteration == k_single_vma) {
		w->region = kmap((size_t)w->pages * KPAGE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, NULL);
		ktouch(w->region, w->pages, 1, NULL);
	}
	iterations = (ops + w->ops - 1) / w->ops;
	for (r = 0; r < repeats; r++) {
		struct ktimes t;

		memset(&t, 0, sizeof(t));
		w->iteration(w, NULL);
		for (it = 0; it < iterations; it++)
			w->iteration(w, &t);
		for (k = 0; k < K_KINDS; k++)
			ns[k][r] = t.n[k] ? t.ns[k] / (double)t.n[k] : 0;
	}

	printf("{\"kind\":\"kernel\",\"workload\":\"%s\",\"release\":\"%s\","
	       "\"file_fs\":", w->name, uts.release);
	if (fs)
		printf("\"%s\"", fs);
	else
		printf("null");
	if (w->iteration == k_malloc1)
		printf(",\"written_neighbours\":2");
	printf(",\"ops_per_iteration\":%ld,\"iterations\":%ld,"
	       "\"repeats\":%d,\"clock_pair_ns\":%.2f,\"ns\":{",
	       w->ops, iterations, repeats, clock_pair_ns());
	for (k = 0; k < K_KINDS; k++) {
		if (ns[k][0] == 0)
			continue;
		printf("%s\"%s\":%.2f", first ? "" : ",", kkind_name[k],
		       median(ns[k], repeats));
		first = 0;
	}
	printf("}}\n");

	close(pipefd[1]);
	pthread_join(parked, NULL);
	close(pipefd[0]);
	if (w->iteration == k_malloc1)
		munmap(w->region - MALLOC1_LEN, (size_t)w->pages * KPAGE);
	else if (w->region)
		munmap(w->region, (size_t)w->pages * KPAGE);
	if (w->fd >= 0)
		close(w->fd);
}

/* ---- the wake-up of a sleeper ------------------------------------------ */

/*
 * What the kernel charges a sleeping lock waiter and its waker, without a
 * language runtime between: two threads, pinned to the first two CPUs the
 * process may use, hand a turn back and forth through one futex.  The
 * holder of the turn reads the clock, stores it and the other's turn, and
 * calls FUTEX_WAKE (try_to_wake_up on the sleeper: the wake call is the
 * time in that syscall); the other sleeps in FUTEX_WAIT until its turn
 * comes and reads the clock as soon as it returns (wake -> run: the
 * waker's syscall, the IPI and the sleeper's schedule-in).  Only hand-overs
 * whose receiver really slept count: one that found its turn already there
 * measured no wake-up.  Per round the median of its hand-overs; the
 * output has every round and their median.
 */
struct wake_pair {
	_Atomic int turn;		/* the futex word: whose turn it is */
	_Atomic double woken_at;	/* the waker's clock before the wake */
	int cpu[2];
	long handovers;
	double *run_ns[2], *call_ns[2];
	long runs[2], calls[2];
};

struct wake_player {
	struct wake_pair *p;
	int me;
};

static long futex(_Atomic int *word, int op, int val)
{
	return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val,
		       NULL, NULL, 0);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		die("pthread_setaffinity_np failed");
}

static void *wake_play(void *arg)
{
	struct wake_player *pl = arg;
	struct wake_pair *p = pl->p;
	int me = pl->me, other = 1 - me;
	long i;

	pin(p->cpu[me]);
	for (i = 0; i < p->handovers; i++) {
		int slept = 0;
		double ran, before;

		while (atomic_load(&p->turn) != me) {
			if (futex(&p->turn, FUTEX_WAIT, other) == 0)
				slept = 1;
			else if (errno != EAGAIN && errno != EINTR)
				die_errno("futex(FUTEX_WAIT)");
		}
		ran = now_ns();
		if (slept)
			p->run_ns[me][p->runs[me]++] = ran -
				atomic_load(&p->woken_at);
		before = now_ns();
		atomic_store(&p->woken_at, before);
		atomic_store(&p->turn, other);
		if (futex(&p->turn, FUTEX_WAKE, 1) < 0)
			die_errno("futex(FUTEX_WAKE)");
		p->call_ns[me][p->calls[me]++] = now_ns() - before;
	}
	return NULL;
}

/* The first two CPUs this process may run on, or exit 2. */
static void two_cpus(int cpu[2])
{
	cpu_set_t set;
	int c, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		die_errno("sched_getaffinity");
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	if (n < 2)
		die("wakeup: needs two CPUs to pin its threads to");
}

static void print_list(const char *name, double *v, int n)
{
	int i;

	printf(",\"%s\":[", name);
	for (i = 0; i < n; i++)
		printf("%s%.1f", i ? "," : "", v[i]);
	printf("]");
}

static void run_wakeup(long handovers, int repeats)
{
	double run[MAX_REPEATS], call[MAX_REPEATS], run_all[MAX_REPEATS];
	double call_all[MAX_REPEATS];
	struct wake_pair p;
	struct wake_player pl[2];
	pthread_t partner;
	long slept = 0;
	int r, k;

	memset(&p, 0, sizeof(p));
	two_cpus(p.cpu);
	p.handovers = handovers;
	for (k = 0; k < 2; k++) {
		p.run_ns[k] = malloc(sizeof(double) * (size_t)handovers);
		p.call_ns[k] = malloc(sizeof(double) * (size_t)handovers);
		if (!p.run_ns[k] || !p.call_ns[k])
			die("out of memory");
	}
	for (r = 0; r < repeats; r++) {
		double *all;
		long n;

		p.runs[0] = p.runs[1] = p.calls[0] = p.calls[1] = 0;
		atomic_store(&p.turn, 0);
		for (k = 0; k < 2; k++)
			pl[k] = (struct wake_player){ &p, k };
		if (pthread_create(&partner, NULL, wake_play, &pl[1]))
			die("pthread_create failed");
		wake_play(&pl[0]);
		pthread_join(partner, NULL);
		n = p.runs[0] + p.runs[1];
		if (n == 0)
			die("wakeup: no hand-over slept");
		slept += n;
		all = malloc(sizeof(double) * (size_t)(2 * handovers));
		if (!all)
			die("out of memory");
		memcpy(all, p.run_ns[0], sizeof(double) * (size_t)p.runs[0]);
		memcpy(all + p.runs[0], p.run_ns[1],
		       sizeof(double) * (size_t)p.runs[1]);
		run[r] = median(all, (int)n);
		memcpy(all, p.call_ns[0], sizeof(double) * (size_t)handovers);
		memcpy(all + handovers, p.call_ns[1],
		       sizeof(double) * (size_t)handovers);
		call[r] = median(all, (int)(2 * handovers));
		free(all);
	}
	memcpy(run_all, run, sizeof(run));
	memcpy(call_all, call, sizeof(call));
	printf("{\"kind\":\"wakeup\",\"cpus\":[%d,%d],\"handovers_per_thread\":%ld,"
	       "\"repeats\":%d,\"slept\":%ld,\"clock_pair_ns\":%.2f,"
	       "\"wake_run_ns\":%.1f,\"wake_call_ns\":%.1f",
	       p.cpu[0], p.cpu[1], handovers, repeats, slept,
	       clock_pair_ns(), median(run_all, repeats),
	       median(call_all, repeats));
	print_list("wake_run_rounds_ns", run, repeats);
	print_list("wake_call_rounds_ns", call, repeats);
	printf("}\n");
	for (k = 0; k < 2; k++) {
		free(p.run_ns[k]);
		free(p.call_ns[k]);
	}
}

/* ---- what a bigger page adds per 4 KiB ---------------------------------- */

/*
 * A fault on a page of several 4 KiB (a 64 KiB base page, a huge page)
 * allocates once and zeroes it all.  The kernel mode's costs are per 4 KiB
 * fault and do not separate the zeroing from the allocation, the charge
 * and the LRU add; this mode does, on the host kernel: one write fault of
 * a 2 MiB-aligned anonymous region under MADV_HUGEPAGE (served by a
 * transparent huge page: do_huge_pmd_anonymous_page, clear_huge_page)
 * against the 512 write faults of the same region under MADV_NOHUGEPAGE.
 * (huge - small) / 511 is what each further 4 KiB of one page costs.  The
 * huge faults are checked in /proc/vmstat (thp_fault_alloc): a kernel
 * that falls back to 4 KiB pages makes this a failure, not a number.
 */
#define HPAGE		(2UL << 20)

static long thp_fault_alloc(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		die_errno("/proc/vmstat");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "thp_fault_alloc %ld", &v) == 1)
			break;
	fclose(f);
	if (v < 0)
		die("zero: /proc/vmstat has no thp_fault_alloc (a kernel without THP)");
	return v;
}

/* One 2 MiB-aligned region of fresh anonymous memory, advised @advice. */
static char *hregion(char **map, int advice)
{
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		die_errno("mmap");
	a = (char *)(((unsigned long)p + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(a, HPAGE, advice))
		die_errno("madvise");
	*map = p;
	return a;
}

static void run_zero(long pages, int repeats)
{
	double huge[MAX_REPEATS], small[MAX_REPEATS], per[MAX_REPEATS];
	struct utsname uts;
	long i, o, before, served;
	int r;

	if (uname(&uts))
		die_errno("uname");
	for (r = 0; r < repeats; r++) {
		double h = 0, s = 0;

		before = thp_fault_alloc();
		for (i = 0; i < pages; i++) {
			char *map, *a = hregion(&map, MADV_HUGEPAGE);
			double t0 = now_ns();

			a[0] = 1;
			h += now_ns() - t0;
			munmap(map, 2 * HPAGE);
		}
		served = thp_fault_alloc() - before;
		if (served < pages) {
			fprintf(stderr, "bench: zero: the kernel served %ld of %ld faults with a huge page "
				"(transparent_hugepage/enabled, or memory too fragmented)\n",
				served, pages);
			exit(1);
		}
		for (i = 0; i < pages; i++) {
			char *map, *a = hregion(&map, MADV_NOHUGEPAGE);
			double t0 = now_ns();

			for (o = 0; o < (long)(HPAGE / KPAGE); o++)
				a[o * KPAGE] = 1;
			s += now_ns() - t0;
			munmap(map, 2 * HPAGE);
		}
		huge[r] = h / pages;
		small[r] = s / pages / (HPAGE / KPAGE);
		per[r] = (huge[r] - small[r]) / (HPAGE / KPAGE - 1);
		if (!(per[r] > 0)) {
			fprintf(stderr, "bench: zero: a huge fault (%.0f ns) no dearer than a 4 KiB one (%.0f ns)\n",
				huge[r], small[r]);
			exit(1);
		}
	}

	printf("{\"kind\":\"zero\",\"release\":\"%s\",\"huge_pages\":%ld,\"repeats\":%d,"
	       "\"huge_fault_ns\":%.2f,\"fault_4k_ns\":%.2f,\"per_further_4k_ns\":%.2f,"
	       "\"per_further_4k_rounds_ns\":[",
	       uts.release, pages, repeats, median(huge, repeats),
	       median(small, repeats), median(per, repeats));
	for (r = 0; r < repeats; r++)
		printf("%s%.2f", r ? "," : "", per[r]);
	printf("]}\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench floor [-v vmas] [-n iters] [-r repeats]\n"
		"       bench hot -l lib [-v vmas] [-n iters] [-r repeats]\n"
		"       bench mix -l lib [-n rounds] [-b batch] [-r repeats]\n"
		"       bench kernel -w workload [-n ops] [-r repeats]\n"
		"       bench wakeup [-n hand-overs per thread] [-r repeats]\n"
		"       bench zero [-n huge pages] [-r repeats]\n");
	exit(2);
}

/* A whole decimal number in [lo, hi], or a message and exit 2. */
static long number(int opt, const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		fprintf(stderr, "bench: -%c: '%s' is not a number in [%ld, %ld]\n",
			opt, arg, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *mode, *path = NULL, *workload = NULL;
	long iters = -1;
	int vmas = 64, repeats = 7, batch = 256, c;
	struct lib l;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "l:v:n:r:b:w:")) != -1) {
		switch (c) {
		case 'l': path = optarg; break;
		case 'v': vmas = (int)number(c, optarg, 1, 1 << 20); break;
		case 'n': iters = number(c, optarg, 1, LONG_MAX / 2); break;
		case 'r': repeats = (int)number(c, optarg, 1, MAX_REPEATS); break;
		case 'b': batch = (int)number(c, optarg, 1, 1 << 20); break;
		case 'w': workload = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (!strcmp(mode, "kernel")) {
		if (!workload)
			usage();
		/* pft's VMA is -n pages: at most 4 GiB of them */
		if (iters > 1L << 20) {
			fprintf(stderr, "bench: -n: at most %ld operations in kernel mode\n",
				1L << 20);
			exit(2);
		}
		run_kernel(workload, iters < 0 ? 8192 : iters, repeats);
		return 0;
	}
	if (!strcmp(mode, "wakeup")) {
		if (path || workload)
			usage();
		/* each thread keeps one time per hand-over it makes */
		if (iters > 1L << 24) {
			fprintf(stderr, "bench: -n: at most %ld hand-overs in wakeup mode\n",
				1L << 24);
			exit(2);
		}
		run_wakeup(iters < 0 ? 1000 : iters, repeats);
		return 0;
	}
	if (!strcmp(mode, "zero")) {
		if (path || workload)
			usage();
		/* each huge page is 4 MiB of address space, 2 MiB touched */
		if (iters > 1L << 12) {
			fprintf(stderr, "bench: -n: at most %ld huge pages in zero mode\n",
				1L << 12);
			exit(2);
		}
		run_zero(iters < 0 ? 64 : iters, repeats);
		return 0;
	}
	if (iters < 0)
		iters = 2000000;
	if (iters < 256)
		usage();
	if (!strcmp(mode, "floor")) {
		run_floor(vmas, iters, repeats);
		return 0;
	}
	if (!path)
		usage();
	load(&l, path);
	if (!strcmp(mode, "hot"))
		run_hot(&l, vmas, iters, repeats);
	else if (!strcmp(mode, "mix"))
		run_mix(&l, iters, batch, repeats);
	else
		usage();
	return 0;
}
