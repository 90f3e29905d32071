// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/nommu/ab.c - plain C A/B check of the __free_vma generalization:
 * the same seeded operation sequences, in lockstep, on two libraries
 * (default libtestbed-nommu-orig.so and libtestbed-nommu.so), without and
 * with allocation-failure injection (k = 1..N for every sequence, N = its
 * allocations), comparing every result, the layout, the stats and the
 * lifecycle trace after every operation.
 *
 * Traces are compared per object: within one operation, the events of
 * each object id must be the same, in the same order, with the same
 * values.  The interleaving of events of DIFFERENT objects inside one
 * operation is allowed to differ and is counted ("reordered ops"): the
 * refactored delete_vma drops the region (and, at vm_usage 0, the
 * region's file reference) before the VMA's own file reference.
 *
 * Usage: ab [-s seed] [-n sequences] [-o ops] [-A libA] [-B libB] [-I]
 *   (-I: no injection sweep).  Exit status 1 on any difference.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testbed.h"

#define MAX_VMAS	512
#define MAX_EVENTS	65536
#define PAGE		4096ULL

struct lib {
	const char *path;
	void *dl;
	int (*mm_create)(uint32_t, tb_mm_t *);
	int (*mm_destroy)(tb_mm_t);
	int (*batch)(tb_mm_t, struct tb_op *, int);
	int (*snapshot)(tb_mm_t, struct tb_vma_info *, int);
	int (*stats)(tb_mm_t, struct tb_stats *);
	int (*validate)(tb_mm_t);
	int (*trace)(tb_mm_t, int);
	int (*events)(tb_mm_t, struct tb_event *, int);
	int (*inject)(tb_mm_t, uint32_t, uint64_t);
	int (*global_violations)(struct tb_violation *, int);
	int (*get_config)(struct tb_config_info *);
};

struct side {
	struct lib *lib;
	tb_mm_t mm;
	struct tb_vma_info vmas[MAX_VMAS];
	int nr_vmas;
	struct tb_event ev[MAX_EVENTS];
	int nr_ev;
	struct tb_stats st;
	int64_t result;
};

static struct {
	uint64_t sequences, ops, injected, events, reordered, diffs;
	uint64_t runs;
	char paths[256][64];
	int nr_paths;
} sum;

#define LOAD(l, f) do {							\
	*(void **)&(l)->f = dlsym((l)->dl, "tb_" #f);			\
	if (!(l)->f) { fprintf(stderr, "%s: no tb_%s\n", (l)->path, #f); exit(2); } \
} while (0)

static void lib_open(struct lib *l, const char *path)
{
	l->path = path;
	l->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!l->dl) {
		fprintf(stderr, "%s\n", dlerror());
		exit(2);
	}
	LOAD(l, mm_create); LOAD(l, mm_destroy); LOAD(l, batch);
	LOAD(l, snapshot); LOAD(l, stats); LOAD(l, validate); LOAD(l, trace);
	LOAD(l, events); LOAD(l, global_violations); LOAD(l, get_config);
	*(void **)&l->inject = dlsym(l->dl, "tb_inject_alloc_failure");
	if (!l->inject)
		exit(2);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/*
	 * splitmix64, bit for bit the C# runner's (harness/Testbed.Harness.Seeded/
	 * SplitMix64.cs): its own copy, as this driver runs without .NET.
	 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* The next operation, chosen from the seed and side A's layout. */
static struct tb_op next_op(struct side *a, int opno, int nops)
{
	struct tb_op op = { 0 };
	uint64_t r = below(100);

	if (opno < 3) {
		static const uint32_t ff[3] = {
			TB_FILE_MAP_DIRECT | TB_FILE_MAP_COPY,
			TB_FILE_MAP_COPY, TB_FILE_MAP_DIRECT };
		op.kind = TB_OP_FILE_OPEN;
		op.flags = ff[opno];
		op.len = (opno == 2 ? 8 : 16) * PAGE;
		return op;
	}
	if (opno >= nops) {
		/* tear down: the first VMA, whole */
		op.kind = TB_OP_MUNMAP;
		op.addr = a->vmas[0].vm_start;
		op.len = a->vmas[0].vm_end - a->vmas[0].vm_start;
		return op;
	}
	if (r < 25) {
		op.kind = TB_OP_MMAP;
		op.flags = TB_MAP_ANONYMOUS |
			   (below(4) ? TB_MAP_PRIVATE : TB_MAP_SHARED);
		op.prot = TB_PROT_READ | (below(2) ? TB_PROT_WRITE : 0);
		op.len = (1 + below(8)) * PAGE;
		op.fd = -1;
	} else if (r < 55) {
		op.kind = TB_OP_MMAP;
		op.flags = below(2) ? TB_MAP_PRIVATE : TB_MAP_SHARED;
		op.prot = TB_PROT_READ | (below(3) ? 0 : TB_PROT_WRITE) |
			  (below(8) ? 0 : TB_PROT_EXEC);
		op.fd = (int)below(4);
		op.pgoff = below(14);
		op.len = (1 + below(6)) * PAGE;
		if (below(16) == 0)
			op.flags |= TB_MAP_FIXED;
	} else if (r < 85 && a->nr_vmas) {
		struct tb_vma_info *v = &a->vmas[below(a->nr_vmas)];
		uint64_t pages = (v->vm_end - v->vm_start) / PAGE;
		uint64_t s = below(pages), e = s + 1 + below(pages - s);

		op.kind = TB_OP_MUNMAP;
		switch (below(4)) {
		case 0:		/* whole */
			op.addr = v->vm_start;
			op.len = v->vm_end - v->vm_start;
			break;
		default:	/* a piece: head, tail or middle */
			op.addr = v->vm_start + s * PAGE;
			op.len = (e - s) * PAGE;
			break;
		}
	} else if (r < 90) {
		op.kind = TB_OP_MUNMAP;
		op.addr = 0x40000000ULL + below(64) * PAGE;
		op.len = (1 + below(4)) * PAGE;
	} else if (r < 94) {
		op.kind = TB_OP_FILE_CLOSE;
		op.fd = (int)below(4);
	} else if (r < 97) {
		op.kind = TB_OP_FILE_OPEN;
		op.flags = (uint32_t)below(4);
		op.len = (1 + below(16)) * PAGE;
	} else {
		op.kind = below(2) ? TB_OP_MPROTECT : TB_OP_FAULT;
		op.addr = a->nr_vmas ? a->vmas[0].vm_start : 0x40000000ULL;
		op.len = PAGE;
		op.prot = TB_PROT_READ;
	}
	return op;
}

static void observe(struct side *s)
{
	s->nr_vmas = s->lib->snapshot(s->mm, s->vmas, MAX_VMAS);
	s->nr_ev = s->lib->events(s->mm, s->ev, MAX_EVENTS);
	s->lib->stats(s->mm, &s->st);
}

static int ev_cmp(const void *x, const void *y)
{
	const struct tb_event *a = x, *b = y;

	if (a->object_id != b->object_id)
		return a->object_id < b->object_id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *op_name(uint32_t k)
{
	static const char *n[] = { "none", "mmap", "munmap", "mprotect",
		"mbind", "fault", "file_open", "file_close", "get_vma",
		"put_vma", "exit" };
	return k < 11 ? n[k] : "?";
}

static void print_trace(const char *tag, struct side *s)
{
	int i;

	printf("  %s (%s): result %" PRId64 "\n", tag, s->lib->path, s->result);
	for (i = 0; i < s->nr_ev; i++)
		printf("    #%" PRIu64 " op %" PRIu64 " type %u obj %" PRIu64
		       " -> %" PRId64 "\n", s->ev[i].seq, s->ev[i].op_seq,
		       s->ev[i].type, s->ev[i].object_id, s->ev[i].value);
}

static void note_path(const struct tb_op *op, int64_t res, bool injected,
		      struct side *a)
{
	char key[64];
	unsigned mask = 0;
	int i;

	if (res >= 0)
		return;
	for (i = 0; i < a->nr_ev; i++)
		mask |= 1u << a->ev[i].type;
	snprintf(key, sizeof(key), "%s %" PRId64 "%s ev%05x", op_name(op->kind),
		 res, injected ? " inj" : "", mask);
	for (i = 0; i < sum.nr_paths; i++)
		if (!strcmp(sum.paths[i], key))
			return;
	if (sum.nr_paths < 256)
		strcpy(sum.paths[sum.nr_paths++], key);
}

/* Compare after one op; returns false on a difference (reported). */
static bool compare(struct side *a, struct side *b, const struct tb_op *op,
		    int opno, uint64_t seed, uint64_t k)
{
	const char *what = NULL;
	bool reordered = false;
	int i;

	if (a->result != b->result)
		what = "result";
	else if (a->nr_vmas != b->nr_vmas ||
		 memcmp(a->vmas, b->vmas, sizeof(a->vmas[0]) * a->nr_vmas))
		what = "layout";
	else if (a->st.live_vmas != b->st.live_vmas ||
		 a->st.live_files != b->st.live_files ||
		 a->st.live_regions != b->st.live_regions ||
		 a->st.allocations != b->st.allocations ||
		 a->st.injected_failures != b->st.injected_failures ||
		 a->st.violations != b->st.violations)
		what = "stats";
	else if (a->nr_ev != b->nr_ev)
		what = "trace length";
	if (!what) {
		for (i = 0; i < a->nr_ev; i++)
			if (a->ev[i].object_id != b->ev[i].object_id ||
			    a->ev[i].type != b->ev[i].type ||
			    a->ev[i].value != b->ev[i].value)
				reordered = true;
		qsort(a->ev, a->nr_ev, sizeof(a->ev[0]), ev_cmp);
		qsort(b->ev, b->nr_ev, sizeof(b->ev[0]), ev_cmp);
		for (i = 0; i < a->nr_ev && !what; i++)
			if (a->ev[i].object_id != b->ev[i].object_id ||
			    a->ev[i].type != b->ev[i].type ||
			    a->ev[i].value != b->ev[i].value ||
			    a->ev[i].op_seq != b->ev[i].op_seq ||
			    a->ev[i].op != b->ev[i].op)
				what = "trace";
	}
	sum.events += (uint64_t)a->nr_ev;
	if (reordered && !what)
		sum.reordered++;
	if (!what)
		return true;
	sum.diffs++;
	printf("DIFFERENCE (%s) seed %" PRIu64 " inject k=%" PRIu64
	       " op #%d %s addr %#" PRIx64 " len %#" PRIx64 " fd %d\n",
	       what, seed, k, opno, op_name(op->kind), op->addr, op->len,
	       op->fd);
	print_trace("A", a);
	print_trace("B", b);
	printf("  replay: ./scripts/testbed ab --seed %" PRIu64
	       " --sequences 1\n", seed);
	return false;
}

/* One run of one sequence; returns the allocations it made (A). */
static uint64_t run(struct lib *la, struct lib *lb, uint64_t seed, int nops,
		    uint64_t k)
{
	static struct side a, b;
	uint64_t allocs;
	int opno, tail = 0;
	bool ok = true;

	a.lib = la;
	b.lib = lb;
	if (la->mm_create(0, &a.mm) || lb->mm_create(0, &b.mm)) {
		fprintf(stderr, "mm_create failed\n");
		exit(2);
	}
	la->trace(a.mm, 1);
	lb->trace(b.mm, 1);
	if (k) {
		la->inject(a.mm, TB_CACHE_ANY, k);
		lb->inject(b.mm, TB_CACHE_ANY, k);
	}
	a.nr_vmas = b.nr_vmas = 0;
	rng_state = seed;
	for (opno = 0; ok; opno++) {
		uint64_t inj_before = a.st.injected_failures;
		struct tb_op op, oa, ob;

		if (opno >= nops && (!a.nr_vmas || tail++ > MAX_VMAS))
			break;
		op = next_op(&a, opno, nops);
		oa = op;
		ob = op;
		la->batch(a.mm, &oa, 1);
		lb->batch(b.mm, &ob, 1);
		a.result = oa.result;
		b.result = ob.result;
		observe(&a);
		observe(&b);
		if (la->validate(a.mm) || lb->validate(b.mm)) {
			printf("VALIDATE failed seed %" PRIu64 " k %" PRIu64
			       " op #%d\n", seed, k, opno);
			sum.diffs++;
			ok = false;
		}
		sum.ops++;
		note_path(&op, a.result,
			  a.st.injected_failures != inj_before, &a);
		ok = ok && compare(&a, &b, &op, opno, seed, k);
	}
	sum.injected += a.st.injected_failures;
	allocs = a.st.allocations;
	if (a.st.live_vmas || a.st.live_regions) {
		printf("LEAK seed %" PRIu64 " k %" PRIu64 ": %" PRIu64
		       " vmas %" PRIu64 " regions live after teardown\n",
		       seed, k, a.st.live_vmas, a.st.live_regions);
		sum.diffs++;
	}
	la->mm_destroy(a.mm);
	lb->mm_destroy(b.mm);
	a.st.injected_failures = b.st.injected_failures = 0;
	sum.runs++;
	return allocs;
}

int main(int argc, char **argv)
{
	const char *pa = "libtestbed-nommu-orig.so", *pb = "libtestbed-nommu.so";
	uint64_t seed = 1, n = 100;
	int nops = 40, c, i;
	bool inject = true;
	struct lib la, lb;
	static struct tb_violation gv[4096];
	int gva, gvb;

	while ((c = getopt(argc, argv, "s:n:o:A:B:I")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'o': nops = atoi(optarg); break;
		case 'A': pa = optarg; break;
		case 'B': pb = optarg; break;
		case 'I': inject = false; break;
		default: return 2;
		}
	}
	lib_open(&la, pa);
	lib_open(&lb, pb);
	gva = la.global_violations(gv, 4096);
	gvb = lb.global_violations(gv, 4096);
	for (uint64_t s = 0; s < n; s++) {
		uint64_t sd = seed + s, allocs;

		sum.sequences++;
		allocs = run(&la, &lb, sd, nops, 0);
		for (uint64_t k = 1; inject && k <= allocs; k++)
			run(&la, &lb, sd, nops, k);
	}
	/* leaks found at exit go to the global log */
	gva = la.global_violations(gv, 4096) - gva;
	gvb = lb.global_violations(gv, 4096) - gvb;
	printf("A %s  B %s\n", pa, pb);
	printf("sequences %" PRIu64 "  runs %" PRIu64 "  operations %" PRIu64
	       "  injected failures %" PRIu64 "  error paths hit %d\n",
	       sum.sequences, sum.runs, sum.ops, sum.injected, sum.nr_paths);
	printf("events compared %" PRIu64 "  reordered ops %" PRIu64
	       "  exit leaks A %d B %d  differences %" PRIu64 "\n",
	       sum.events, sum.reordered, gva, gvb, sum.diffs);
	for (i = 0; i < sum.nr_paths && getenv("AB_PATHS"); i++)
		printf("  path: %s\n", sum.paths[i]);
	return sum.diffs || gva || gvb ? 1 : 0;
}
