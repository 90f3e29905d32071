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
 *
 * Each prints one JSON object per line; times are the median over the
 * repeats, in nanoseconds per operation.  The mix is rounds of
 * { mmap 16 anonymous pages, 16 write faults, 16 read faults, munmap } at
 * one address, run through tb_batch in batches of -b operations;
 * HotPaths.MixOps (harness/Testbed.Harness.Bench/HotPaths.cs) generates
 * the same stream.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void usage(void)
{
	fprintf(stderr,
		"usage: bench floor [-v vmas] [-n iters] [-r repeats]\n"
		"       bench hot -l lib [-v vmas] [-n iters] [-r repeats]\n"
		"       bench mix -l lib [-n rounds] [-b batch] [-r repeats]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode, *path = NULL;
	long iters = 2000000;
	int vmas = 64, repeats = 7, batch = 256, c;
	struct lib l;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "l:v:n:r:b:")) != -1) {
		switch (c) {
		case 'l': path = optarg; break;
		case 'v': vmas = atoi(optarg); break;
		case 'n': iters = atol(optarg); break;
		case 'r': repeats = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		default: usage();
		}
	}
	if (vmas < 1 || iters < 256 || repeats < 1 || repeats > MAX_REPEATS ||
	    batch < 1)
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
