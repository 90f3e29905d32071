// SPDX-License-Identifier: GPL-2.0-only
/*
 * stress/stress.c - N threads racing faults against mmap/munmap/mprotect/
 * mbind and get_vma/put_vma on a small shared window of one mm, then the
 * end-of-run checks: validate clean, no violation, live objects back to
 * the layout, nothing leaked once the window is unmapped and the files
 * closed, quarantine poison intact.  Bounded by operation counts, seeded
 * (xorshift64*), one summary line; on failure it prints the seed and the
 * command that replays the run.
 *
 * With -f N, one operation in N (drawn per thread) is a fork of the mm:
 * the child takes a write fault in the window, is validated and destroyed
 * (its teardown must be clean) while the other threads go on.
 *
 * usage: stress-<config> [-t threads] [-n ops-per-thread] [-s seed]
 *                        [-w window-pages] [-y yield-1-in-N] [-f fork-1-in-N]
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "testbed.h"

#define WINDOW_BASE	0x100000000ULL
#define PAGE		4096ULL
#define NR_FILES	2

struct opts {
	int threads;
	long ops;
	uint64_t seed;
	int window;
	int yield;	/* sched_yield at 1 in N hook points, 0 = never */
	int fork;	/* fork at 1 in N operations, 0 = never */
};

struct worker {
	pthread_t thread;
	int id;
	uint64_t rng;
	long unexpected;
	char first_bad[160];
};

static struct opts opt = { 8, 20000, 1, 64, 32, 0 };
static tb_mm_t mm;
static int fds[NR_FILES];
static int spf;
/*
 * What this config's fault design allows (the driver is built with the
 * config's flags): a fault without mmap_sem (SPF, per-VMA locks), and
 * get_vma references (SPF with vm_ref_count, not the RCU designs).
 */
#if defined(CONFIG_SPECULATIVE_PAGE_FAULT) || defined(CONFIG_PER_VMA_LOCK)
static const int lockless_faults = 1;
#else
static const int lockless_faults;
#endif
#if defined(CONFIG_SPECULATIVE_PAGE_FAULT) && !defined(CONFIG_SPF_RCU)
static const int vma_refs = 1;
#else
static const int vma_refs;
#endif

/*
 * xorshift64*: this driver's own PRNG, as it runs without .NET (the C#
 * generators share harness/Testbed.Harness.Seeded/SplitMix64.cs).
 */
static uint64_t xorshift64s(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * The scheduling hook: yield now and then at lock, atomic and seqcount
 * points, to widen the race windows on a machine with few cores.
 */
static __thread uint64_t hook_rng;

static void yield_hook(int point, const void *obj, void *ctx)
{
	(void)point;
	(void)obj;
	(void)ctx;
	if (!hook_rng)
		return;
	if (xorshift64s(&hook_rng) % (uint64_t)opt.yield == 0)
		sched_yield();
}

static uint64_t rnd(struct worker *w, uint64_t n)
{
	return xorshift64s(&w->rng) % n;
}

/* A random page-aligned range inside the window: [*addr, *addr + *len). */
static void rnd_range(struct worker *w, uint64_t *addr, uint64_t *len)
{
	uint64_t start = rnd(w, opt.window);
	uint64_t pages = 1 + rnd(w, opt.window / 4 + 1);

	if (start + pages > (uint64_t)opt.window)
		pages = opt.window - start;
	*addr = WINDOW_BASE + start * PAGE;
	*len = pages * PAGE;
}

static void bad(struct worker *w, const char *what, int64_t ret)
{
	if (!w->unexpected++)
		snprintf(w->first_bad, sizeof(w->first_bad),
			 "thread %d: %s returned %" PRId64, w->id, what, ret);
}

static uint32_t rnd_prot(struct worker *w)
{
	static const uint32_t prots[] = {
		TB_PROT_READ | TB_PROT_WRITE, TB_PROT_READ | TB_PROT_WRITE,
		TB_PROT_READ, TB_PROT_NONE, TB_PROT_READ | TB_PROT_EXEC,
	};

	return prots[rnd(w, sizeof(prots) / sizeof(prots[0]))];
}

static void do_one(struct worker *w)
{
	uint64_t addr, len, ref;
	struct tb_vma_info info;
	uint32_t flags;
	int64_t r;
	unsigned int dice = (unsigned int)rnd(w, 100);

	rnd_range(w, &addr, &len);
	if (dice < 45) {
		/* fault: a page of the window or just past it */
		addr = WINDOW_BASE + rnd(w, opt.window + 4) * PAGE +
		       rnd(w, PAGE);
		flags = rnd(w, 2) ? TB_FAULT_WRITE : 0;
		if (!rnd(w, 16))
			flags |= TB_FAULT_NO_SPECULATIVE;
		r = tb_fault(mm, addr, flags);
		if (r != TB_FAULT_DONE_SPECULATIVE &&
		    r != TB_FAULT_DONE_CLASSIC && r != -EFAULT &&
		    r != -EACCES)
			bad(w, "fault", r);
		if (!lockless_faults && r == TB_FAULT_DONE_SPECULATIVE)
			bad(w, "fault (speculative without SPF)", r);
	} else if (dice < 57) {
		/* mmap FIXED: private anon mostly, shared anon, file */
		unsigned int kind = (unsigned int)rnd(w, 8);
		int fd = -1;

		flags = TB_MAP_FIXED | TB_MAP_PRIVATE | TB_MAP_ANONYMOUS;
		if (kind == 6)
			flags = TB_MAP_FIXED | TB_MAP_SHARED | TB_MAP_ANONYMOUS;
		if (kind == 7) {
			flags = TB_MAP_FIXED | (rnd(w, 2) ? TB_MAP_SHARED :
						TB_MAP_PRIVATE);
			fd = fds[rnd(w, NR_FILES)];
		}
		r = tb_mmap(mm, addr, len, rnd_prot(w), flags, fd,
			    rnd(w, opt.window));
		if (r != (int64_t)addr)
			bad(w, "mmap fixed", r);
	} else if (dice < 60) {
		/* mmap with a hint; anything that lands elsewhere goes */
		r = tb_mmap(mm, addr, len, TB_PROT_READ | TB_PROT_WRITE,
			    TB_MAP_PRIVATE | TB_MAP_ANONYMOUS, -1, 0);
		if (r < 0)
			bad(w, "mmap hint", r);
		else if ((uint64_t)r < WINDOW_BASE ||
			 (uint64_t)r + len > WINDOW_BASE + opt.window * PAGE)
			if (tb_munmap(mm, (uint64_t)r, len))
				bad(w, "munmap of a hint mapping", -1);
	} else if (dice < 74) {
		r = tb_munmap(mm, addr, len);
		if (r)
			bad(w, "munmap", r);
	} else if (dice < 84) {
		r = tb_mprotect(mm, addr, len, rnd_prot(w));
		if (r && r != -ENOMEM)
			bad(w, "mprotect", r);
	} else if (dice < 89) {
		r = tb_mbind(mm, addr, len, (uint32_t)rnd(w, 4));
		if (r && r != -EFAULT)
			bad(w, "mbind", r);
	} else if (dice < 90) {
		/* validate while the others run: counts are "at least" */
		r = tb_validate(mm);
		if (r)
			bad(w, "validate", r);
	} else {
		r = tb_get_vma(mm, addr, &ref, &info);
		if (!vma_refs) {
			if (r != -EOPNOTSUPP)
				bad(w, "get_vma without vm_ref_count", r);
			return;
		}
		if (r == -ENOENT)
			return;
		if (r) {
			bad(w, "get_vma", r);
			return;
		}
		if (info.ref_count < 2 && info.in_tree)
			bad(w, "get_vma ref_count", info.ref_count);
		/* let the others move it around a bit before we look again */
		if (rnd(w, 2))
			sched_yield();
		r = tb_vma_ref_info(mm, ref, &info);
		if (r || info.ref_count < 1)
			bad(w, "vma_ref_info", r ? r : info.ref_count);
		r = tb_put_vma(mm, ref);
		if (r)
			bad(w, "put_vma", r);
	}
}

/*
 * fork while the others run: the child's write fault copies or installs
 * (copy-on-write), its validate is clean, and so is its teardown.
 */
static void do_fork(struct worker *w)
{
	tb_mm_t child;
	int64_t r = tb_fork(mm, &child);

	if (r == -ENOSYS && !lockless_faults && !spf)
		return;		/* nommu: no fork */
	if (r) {
		bad(w, "fork", r);
		return;
	}
	r = tb_fault(child, WINDOW_BASE + rnd(w, opt.window) * PAGE,
		     TB_FAULT_WRITE);
	if (r != TB_FAULT_DONE_SPECULATIVE && r != TB_FAULT_DONE_CLASSIC &&
	    r != -EFAULT && r != -EACCES)
		bad(w, "fault in the child", r);
	r = tb_validate(child);
	if (r)
		bad(w, "validate of the child", r);
	r = tb_mm_destroy(child);
	if (r)
		bad(w, "teardown of the child", r);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	long i;

	hook_rng = w->rng ^ 0x94d049bb133111ebULL;
	for (i = 0; i < opt.ops; i++) {
		if (opt.fork && !rnd(w, (uint64_t)opt.fork))
			do_fork(w);
		else
			do_one(w);
	}
	hook_rng = 0;
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int problems;
static char first_problem[256];

static void __attribute__((format(printf, 1, 2)))
problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!problems++)
		vsnprintf(first_problem, sizeof(first_problem), fmt, ap);
	va_end(ap);
}

static void dump_violations(void)
{
	struct tb_violation v[8];
	int n = tb_violations(mm, v, 8), i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "  violation #%" PRIu64 " op %" PRIu64
			" %s:%u: %s\n", v[i].seq, v[i].op_seq, v[i].site,
			v[i].line, v[i].message);
}

int main(int argc, char **argv)
{
	struct tb_config_info cfg;
	struct tb_stats st;
	struct worker *workers;
	double t0, t1;
	int c, i, v;

	while ((c = getopt(argc, argv, "t:n:s:w:y:f:")) != -1) {
		switch (c) {
		case 't':
			opt.threads = atoi(optarg);
			break;
		case 'n':
			opt.ops = atol(optarg);
			break;
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			opt.window = atoi(optarg);
			break;
		case 'y':
			opt.yield = atoi(optarg);
			break;
		case 'f':
			opt.fork = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-t threads] [-n ops] "
				"[-s seed] [-w window-pages] [-y yield-1-in-N] "
				"[-f fork-1-in-N]\n", argv[0]);
			return 2;
		}
	}
	if (opt.threads < 1 || opt.threads > 256 || opt.ops < 1 ||
	    opt.window < 4 || opt.window > 4096 || opt.yield < 0 ||
	    opt.fork < 0) {
		fprintf(stderr, "%s: bad arguments\n", argv[0]);
		return 2;
	}

	tb_get_config(&cfg);
	spf = cfg.spf;
	if (tb_mm_create(0, &mm)) {
		fprintf(stderr, "%s: tb_mm_create failed\n", argv[0]);
		return 1;
	}
	/* the workers are the mm's threads: the speculative path needs two */
	if (tb_mm_set_threads(mm, (uint32_t)opt.threads)) {
		fprintf(stderr, "%s: tb_mm_set_threads failed\n", argv[0]);
		return 1;
	}
	for (i = 0; i < NR_FILES; i++)
		fds[i] = tb_file_open(mm, opt.window * PAGE, 0);

	if (opt.yield)
		tb_set_sched_hook(yield_hook, NULL);
	workers = calloc(opt.threads, sizeof(*workers));
	t0 = now();
	for (i = 0; i < opt.threads; i++) {
		workers[i].id = i;
		workers[i].rng = opt.seed * 0x9e3779b97f4a7c15ULL +
				 (uint64_t)(i + 1) * 0xbf58476d1ce4e5b9ULL;
		if (!workers[i].rng)
			workers[i].rng = 1;
		pthread_create(&workers[i].thread, NULL, worker_main,
			       &workers[i]);
	}
	for (i = 0; i < opt.threads; i++)
		pthread_join(workers[i].thread, NULL);
	t1 = now();
	tb_set_sched_hook(NULL, NULL);

	for (i = 0; i < opt.threads; i++) {
		if (workers[i].unexpected)
			problem("%ld unexpected results", workers[i].unexpected);
		if (workers[i].unexpected)
			fprintf(stderr, "  %s\n", workers[i].first_bad);
	}

	/* the layout the threads left */
	v = tb_validate(mm);
	if (v)
		problem("validate found %d problems", v);
	tb_stats(mm, &st);
	if (st.live_vmas != st.map_count)
		problem("live_vmas %lld != map_count %lld at the end",
			(long long)st.live_vmas, (long long)st.map_count);

	/* close the files: only the VMAs hold them now */
	for (i = 0; i < NR_FILES; i++)
		if (fds[i] >= 0 && tb_file_close(mm, fds[i]))
			problem("file_close(%d) failed", fds[i]);
	/* everything goes: back to the baseline */
	if (tb_munmap(mm, WINDOW_BASE, opt.window * PAGE))
		problem("final munmap failed");
	v = tb_validate(mm);
	if (v)
		problem("validate after unmap: %d problems", v);
	tb_stats(mm, &st);
	if (st.live_vmas || st.map_count || st.live_files ||
	    st.live_mempolicies || st.live_anon_vmas || st.populated_pages)
		problem("not back to baseline: vmas %lld files+pol+anon+pages %lld",
			(long long)st.live_vmas,
			(long long)(st.live_files + st.live_mempolicies +
				    st.live_anon_vmas + st.populated_pages));
	if (st.violations) {
		problem("%llu violations recorded",
			(unsigned long long)st.violations);
		dump_violations();
	}
	v = tb_kmem_check();
	if (v)
		problem("kmem_check: %d poisoned objects written", v);

	printf("stress-%s: seed %" PRIu64 " threads %d ops %ld in %.2fs = %.0f "
	       "ops/s; faults %" PRIu64 " spf success %" PRIu64 " aborts %"
	       PRIu64 " (no_vma %" PRIu64 " odd %" PRIu64 " changed %" PRIu64
	       " detached %" PRIu64 " access %" PRIu64 " not_anon %" PRIu64
	       " no_anon_vma %" PRIu64 " mpol %" PRIu64 " ptl_busy %" PRIu64
	       ") fallbacks %" PRIu64 " classic %" PRIu64 "; %s\n",
	       cfg.name, opt.seed, opt.threads, opt.ops * opt.threads,
	       t1 - t0, opt.ops * opt.threads / (t1 - t0), st.faults,
	       st.spf_success,
	       st.spf_abort_no_vma + st.spf_abort_seq_odd +
	       st.spf_abort_seq_changed + st.spf_abort_detached +
	       st.spf_abort_access + st.spf_abort_not_anon +
	       st.spf_abort_no_anon_vma + st.spf_abort_mpol +
	       st.spf_abort_ptl_busy,
	       st.spf_abort_no_vma, st.spf_abort_seq_odd,
	       st.spf_abort_seq_changed, st.spf_abort_detached,
	       st.spf_abort_access, st.spf_abort_not_anon,
	       st.spf_abort_no_anon_vma, st.spf_abort_mpol,
	       st.spf_abort_ptl_busy, st.fallbacks,
	       st.classic_faults, problems ? "FAILED" : "OK");

	tb_mm_destroy(mm);
	{
		struct tb_violation gv[4];

		v = tb_global_violations(gv, 4);
		if (v > 0)
			problem("%d global violations (mm teardown): %s: %s", v,
				gv[0].site, gv[0].message);
	}

	if (problems) {
		fprintf(stderr, "FAILED: %s (%d problems)\n", first_problem,
			problems);
		fprintf(stderr, "replay: %s -t %d -n %ld -s %" PRIu64
			" -w %d -y %d -f %d\n", argv[0], opt.threads, opt.ops,
			opt.seed, opt.window, opt.yield, opt.fork);
		return 1;
	}
	free(workers);
	return 0;
}
