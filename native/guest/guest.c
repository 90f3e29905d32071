/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest.c - run operation sequences with real syscalls and report the VMA
 * layout of a reserved address window after every step.
 *
 * Built static (gcc -static) so that it runs as the only program in a
 * busybox initramfs under QEMU, and equally on the host (testbed kernel
 * --host).  The C# harness (Testbed.Harness.Kernel) writes the input and
 * parses the output; docs/kernel-hooks.md describes both formats.
 *
 * Input, one command per line (numbers: 0x hex or decimal; '#' comments):
 *   window BASE PAGES                  reserve size, once, before any seq
 *   seq N                              start sequence N: fresh window
 *                                      (and the 16 MiB below it unmapped)
 *   file SLOT SIZE                     memfd of SIZE bytes for slot SLOT
 *   mmap ADDR LEN PROT FLAGS SLOT PGOFF   SLOT -1 = no file; FLAGS may
 *                                      hold MAP_GROWSDOWN: a touch below
 *                                      it may grow it, down to 16 MiB
 *                                      below the window (unmapped by seq)
 *   munmap ADDR LEN
 *   mprotect ADDR LEN PROT
 *   touch ADDR r|w
 *   mbind ADDR LEN MODE                MPOL_* mode; node 0 unless DEFAULT
 *   race THREADS ITERS ADDR LEN        threads touch while main remaps
 *                                      (LEN >= 3 pages; see run_race)
 *   madvise ADDR LEN ADVICE            MADV_* (DONTFORK, WIPEONFORK, ...)
 *   fork ADDR LEN                      fork; the child reports its layout
 *                                      and reads, then writes, each page
 *                                      of the range (at most 8 pages);
 *                                      the parent reads them before the
 *                                      fork and after the child exited
 *   end                                end of the current sequence
 *
 * Output, one record per line, each starting with "@G " so that the
 * harness can pick them out of a console log:
 *   @G window BASE PAGES
 *   @G seq N
 *   @G op K RESULT SIGNO SICODE        RESULT: address, 0 or -errno
 *   @G vma START END PERMS OFFSET KIND POLICY
 *                                      KIND: anon | shm:INODE | file:SLOT;
 *                                      POLICY: numa_maps' (default, bind:0)
 *   @G race K TOUCHES OK MAPERR ACCERR SIGBUS UNEXPECTED REMAPS
 *   @G vmalock K SUCCESS ABORT RETRY MISS
 *                                      what /proc/vmstat's vma_lock_*
 *                                      counters grew by during race K;
 *                                      only on a kernel that has them
 *                                      (CONFIG_PER_VMA_LOCK_STATS)
 *   @G cvma ... / @G cdone K           the fork child's layout (as vma)
 *   @G cpage K ADDR READ VALUE WRITE   the child's read (result, byte or
 *                                      -1) and write (result) of a page
 *   @G fpage K ADDR READ0 VALUE0 READ1 VALUE1
 *                                      the parent's reads before the fork
 *                                      and after the child exited
 *   @G done K                          layout after op K is complete
 *   @G same K                          layout after op K = the last one
 *   @G endseq N
 *   @G fin SEQS OPS USEC
 *   @G error LINE MESSAGE
 * At start the guest sets RLIMIT_STACK (8 MiB) and vm.mmap_min_addr
 * (65536) to the model's values where it may, for stack growth.
 * Sequence setup (the reservation and the files) is op 0 and prints its
 * layout like any other step; the operations of a sequence count from 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE	4096UL
#define MAX_SLOTS	16
#define MAX_THREADS	8
#define MAX_TOKENS	8
#define MAX_VMAS	512	/* window VMAs per layout (the window is small) */
#define TB_EIO		5	/* reported for SIGBUS: no errno fits */
#define MAX_FORK_PAGES	8
/* What the fork child writes: the parent's touches write addr >> 12. */
#define CHILD_MARK	0xa5
/*
 * The area below the window that a sequence may reach by growing a
 * MAP_GROWSDOWN mapping (RLIMIT_STACK, 8 MiB, and a little more for the
 * refused case): every seq unmaps it with the window, so a stack grown
 * below the window never outlives its sequence.
 */
#define BELOW_WINDOW	(16UL << 20)
/* The model's limits (native/mm: RLIMIT_STACK, mmap_min_addr). */
#define MODEL_RLIMIT_STACK	(8UL << 20)
#define MODEL_MMAP_MIN_ADDR	0x10000UL

static unsigned long win_base = 0x100000000UL;
static unsigned long win_pages;
static int slot_fd[MAX_SLOTS];
static FILE *out;
static unsigned long line_no;

/*
 * A touch runs with a per-thread jump buffer armed; the signal handler
 * only jumps when the faulting thread armed it, so a fault anywhere else
 * (a bug in this program) is reported and ends the run instead of being
 * swallowed.
 */
static __thread sigjmp_buf touch_env;
static __thread volatile int touch_armed;
static __thread volatile int touch_signo, touch_code;
static __thread volatile uintptr_t touch_addr;

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "@G error %lu ", line_no);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
	exit(2);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!touch_armed) {
		static const char msg[] = "@G error 0 unexpected signal outside a touch\n";

		/* async-signal-safe: write, not stdio */
		if (write(fileno(out), msg, sizeof(msg) - 1) < 0)
			_exit(3);
		_exit(3);
	}
	touch_armed = 0;
	touch_signo = sig;
	touch_code = si->si_code;
	touch_addr = (uintptr_t)si->si_addr;
	siglongjmp(touch_env, 1);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		fail("sigaction: %s", strerror(errno));
}

/*
 * One page access.  Returns 0, or the signal that stopped it with its
 * si_code in *code.  The access goes through a volatile pointer so the
 * compiler cannot drop or merge it.
 */
static int touch(unsigned long addr, int write, int *code)
{
	volatile char *p = (volatile char *)addr;

	*code = 0;
	if (sigsetjmp(touch_env, 1)) {
		*code = touch_code;
		return touch_signo;
	}
	touch_armed = 1;
	if (write)
		*p = (char)(addr >> 12);
	else
		(void)*p;
	touch_armed = 0;
	return 0;
}

static long touch_result(int sig, int code)
{
	if (!sig)
		return 0;
	if (sig == SIGBUS)
		return -TB_EIO;
	if (code == SEGV_ACCERR)
		return -EACCES;
	return -EFAULT;
}

/* Reserve the window: PROT_NONE, private anonymous, exactly at win_base. */
static void reserve_window(int first)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	flags |= first ? MAP_FIXED_NOREPLACE : MAP_FIXED;
	p = mmap((void *)win_base, win_pages * PAGE_SIZE, PROT_NONE, flags,
		 -1, 0);
	if (p != (void *)win_base)
		fail("cannot reserve window at 0x%lx: %s", win_base,
		     p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
}

/* The window and the area below it where a stack may have grown. */
static void unmap_window(void)
{
	unsigned long below = win_base > BELOW_WINDOW + MODEL_MMAP_MIN_ADDR ?
			      BELOW_WINDOW : 0;

	munmap((void *)(win_base - below), below + win_pages * PAGE_SIZE);
}

/*
 * The limits stack growth meets, set to the model's: RLIMIT_STACK (the
 * host's shell may have another) and vm.mmap_min_addr (Debian's 65536;
 * a tinyconfig kernel defaults to 4096).  Only raised or lowered where
 * the process may; a host run as a user keeps the host's values.
 */
static void set_model_limits(void)
{
	struct rlimit rl;
	unsigned long min_addr = 0;
	FILE *f;

	if (!getrlimit(RLIMIT_STACK, &rl) &&
	    (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= MODEL_RLIMIT_STACK)) {
		rl.rlim_cur = MODEL_RLIMIT_STACK;
		setrlimit(RLIMIT_STACK, &rl);
	}
	f = fopen("/proc/sys/vm/mmap_min_addr", "r");
	if (f) {
		if (fscanf(f, "%lu", &min_addr) != 1)
			min_addr = MODEL_MMAP_MIN_ADDR;
		fclose(f);
	}
	if (f && min_addr != MODEL_MMAP_MIN_ADDR) {
		f = fopen("/proc/sys/vm/mmap_min_addr", "w");
		if (f) {
			fprintf(f, "%lu\n", MODEL_MMAP_MIN_ADDR);
			fclose(f);
		}
	}
}

static void close_files(void)
{
	int i;

	for (i = 0; i < MAX_SLOTS; i++) {
		if (slot_fd[i] >= 0)
			close(slot_fd[i]);
		slot_fd[i] = -1;
	}
}

static void open_file(long slot, unsigned long size)
{
	char name[16];
	int fd;

	if (slot < 0 || slot >= MAX_SLOTS || slot_fd[slot] >= 0)
		fail("bad file slot %ld", slot);
	snprintf(name, sizeof(name), "tbf%ld", slot);
	/* memfd: tmpfs-backed, never noexec, needs no mounted /tmp */
	fd = (int)syscall(SYS_memfd_create, name, 0);
	if (fd < 0)
		fail("memfd_create: %s", strerror(errno));
	if (ftruncate(fd, (off_t)size))
		fail("ftruncate: %s", strerror(errno));
	slot_fd[slot] = fd;
}

/* Classify a /proc/self/maps path as anon, shared anon or one of our files. */
static void kind_of(const char *path, unsigned long inode, char *buf,
		    size_t size)
{
	long slot;

	if (!*path)
		snprintf(buf, size, "anon");
	else if (!strncmp(path, "/dev/zero", 9) || !strncmp(path, "/SYSV", 5))
		snprintf(buf, size, "shm:%lu", inode);
	else if (sscanf(path, "/memfd:tbf%ld", &slot) == 1)
		snprintf(buf, size, "file:%ld", slot);
	else
		snprintf(buf, size, "other:%lu", inode);
}

/*
 * The memory policy of every VMA that starts in the window, from
 * /proc/self/numa_maps: its first field is the VMA's start, its second
 * the policy the kernel reports there (for a shmem VMA the file's shared
 * policy at the VMA's first page, else vm_policy, else the task's).
 */
static struct {
	unsigned long start;
	char policy[32];
} numa[MAX_VMAS];
static int numa_n;

static void read_numa_maps(unsigned long wend)
{
	char line[512], policy[32];
	unsigned long start;
	FILE *f;

	numa_n = 0;
	f = fopen("/proc/self/numa_maps", "r");
	if (!f)
		fail("open /proc/self/numa_maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %31s", &start, policy) != 2)
			fail("cannot parse numa_maps line: %s", line);
		/* below the window too: a VMA may start before it */
		if (start >= wend)
			continue;
		if (numa_n == MAX_VMAS)
			fail("too many VMAs in the window");
		numa[numa_n].start = start;
		snprintf(numa[numa_n].policy, sizeof(numa[0].policy), "%s",
			 policy);
		numa_n++;
	}
	fclose(f);
}

static const char *policy_at(unsigned long start)
{
	int i;

	for (i = 0; i < numa_n; i++)
		if (numa[i].start == start)
			return numa[i].policy;
	fail("no numa_maps line for the VMA at 0x%lx", start);
	return NULL;
}

/*
 * The layout printed last, so that an unchanged layout is sent as one
 * "same" record: the serial port under TCG moves ~150 KB/s, and most
 * touches do not change the layout.
 */
static char prev_layout[1 << 16];
static size_t prev_len = (size_t)-1;

static void forget_layout(void)
{
	prev_len = (size_t)-1;
}

/*
 * Format every VMA that overlaps the window as TAG records into cur;
 * returns the length.
 */
static size_t format_layout(char *cur, size_t size, const char *tag)
{
	unsigned long start, end, offset, inode, wend;
	char line[512], perms[8], dev[16], path[256], kind[64];
	size_t len = 0;
	FILE *maps;
	int n;

	wend = win_base + win_pages * PAGE_SIZE;
	read_numa_maps(wend);
	maps = fopen("/proc/self/maps", "r");
	if (!maps)
		fail("open /proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), maps)) {
		path[0] = '\0';
		n = sscanf(line, "%lx-%lx %7s %lx %15s %lu %255[^\n]", &start,
			   &end, perms, &offset, dev, &inode, path);
		if (n < 6)
			fail("cannot parse maps line: %s", line);
		if (end <= win_base || start >= wend)
			continue;
		kind_of(path + strspn(path, " "), inode, kind, sizeof(kind));
		n = snprintf(cur + len, size - len,
			     "@G %s %lx %lx %s %lx %s %s\n", tag, start, end,
			     perms, offset, kind, policy_at(start));
		if (n < 0 || (size_t)n >= size - len)
			fail("window layout too large");
		len += (size_t)n;
	}
	fclose(maps);
	return len;
}

/*
 * Print every VMA that overlaps the window, then the "done" marker (or
 * only "same" when it equals the layout printed last).
 */
static void print_layout(unsigned long k)
{
	static char cur[sizeof(prev_layout)];
	size_t len = format_layout(cur, sizeof(cur), "vma");

	if (len == prev_len && !memcmp(cur, prev_layout, len)) {
		fprintf(out, "@G same %lu\n", k);
		return;
	}
	fwrite(cur, 1, len, out);
	fprintf(out, "@G done %lu\n", k);
	memcpy(prev_layout, cur, len);
	prev_len = len;
}

static void print_result(unsigned long k, long result, int sig, int code)
{
	if (result >= 0 && result > 0xffff)
		fprintf(out, "@G op %lu 0x%lx %d %d\n", k, result, sig, code);
	else
		fprintf(out, "@G op %lu %ld %d %d\n", k, result, sig, code);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s)
		fail("bad number '%s'", s);
	return v;
}

static long snum(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s)
		fail("bad number '%s'", s);
	return v;
}

/*
 * mbind(2) by its raw syscall (the guest is static, without libnuma).
 * Every mode but MPOL_DEFAULT gets node 0, the one node of QEMU's default
 * machine; MPOL_DEFAULT takes an empty node mask.
 */
static long do_mbind(unsigned long addr, unsigned long len, unsigned long mode)
{
	unsigned long node0 = 1;
	long ret;

	if (mode == 0)
		ret = syscall(SYS_mbind, addr, len, mode, NULL, 0UL, 0U);
	else
		ret = syscall(SYS_mbind, addr, len, mode, &node0,
			      8 * sizeof(node0), 0U);
	return ret ? -errno : 0;
}

/* ---- threaded race: page touches against munmap/mprotect/mmap ---- */

struct race {
	unsigned long addr, pages, iters;
	unsigned long seed;
	volatile int stop;
	/* per-thread outcome counters, summed by the main thread */
	unsigned long touches[MAX_THREADS], ok[MAX_THREADS];
	unsigned long maperr[MAX_THREADS], accerr[MAX_THREADS];
	unsigned long sigbus[MAX_THREADS], unexpected[MAX_THREADS];
};

struct racer {
	struct race *r;
	int id;
};

static unsigned long xorshift(unsigned long *s)
{
	unsigned long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void *race_toucher(void *arg)
{
	struct racer *me = arg;
	struct race *r = me->r;
	unsigned long s = r->seed * 2654435761UL + (unsigned long)me->id + 1;
	unsigned long i, addr, x;
	int sig, code;

	for (i = 0; i < r->iters; i++) {
		x = xorshift(&s);
		addr = r->addr + (x % r->pages) * PAGE_SIZE + (x >> 40) % PAGE_SIZE;
		sig = touch(addr, (int)(x >> 20) & 1, &code);
		r->touches[me->id]++;
		if (!sig) {
			r->ok[me->id]++;
		} else if (sig == SIGSEGV && touch_addr == addr &&
			   (code == SEGV_MAPERR || code == SEGV_ACCERR)) {
			if (code == SEGV_MAPERR)
				r->maperr[me->id]++;
			else
				r->accerr[me->id]++;
		} else if (sig == SIGBUS) {
			/* anonymous memory never raises SIGBUS */
			r->sigbus[me->id]++;
		} else {
			r->unexpected[me->id]++;
		}
	}
	return NULL;
}

/*
 * The per-VMA lock statistics of /proc/vmstat (6.4+ with
 * CONFIG_PER_VMA_LOCK_STATS: vma_lock_success, _abort, _retry, _miss) into
 * v[0..3]; returns 0 when the kernel does not count them.
 */
static int read_vma_lock(unsigned long v[4])
{
	static const char *const names[4] = {
		"vma_lock_success", "vma_lock_abort", "vma_lock_retry",
		"vma_lock_miss",
	};
	char name[64];
	unsigned long val;
	int found = 0, i;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return 0;
	while (fscanf(f, "%63s %lu", name, &val) == 2) {
		for (i = 0; i < 4; i++) {
			if (!strcmp(name, names[i])) {
				v[i] = val;
				found |= 1 << i;
			}
		}
	}
	fclose(f);
	return found == 0xf;
}

/*
 * THREADS threads touch random pages of the race range ITERS times each
 * while this thread cycles munmap / mmap(MAP_FIXED) / mprotect over single
 * pages of it.  Faults are expected (that is the race); a SIGBUS, a fault
 * at another address or an unknown si_code is not.
 *
 * The layout after the step must not depend on timing, so the race is
 * fenced in: first [ADDR, ADDR+LEN) is mapped as the reservation
 * (PROT_NONE, private anonymous, MAP_FIXED: the step the model also
 * takes), then only the inner pages [ADDR+4K, ADDR+LEN-4K) become
 * private anonymous read-write memory and race.  The PROT_NONE edge pages
 * are never touched and nothing that races can merge with them, so no VMA
 * outside the range gains an anon_vma or changes shape.  At the end the
 * whole range is mapped as the reservation again, which leaves exactly
 * what the first step left.
 */
static void run_race(unsigned long k, char **tok)
{
	pthread_t th[MAX_THREADS];
	struct racer rc[MAX_THREADS];
	struct race r;
	unsigned long nthreads, i, x, a, remaps = 0, sum[6] = { 0 };
	unsigned long s, outer, outer_pages, lock0[4], lock1[4];
	long res;
	int t, stats;

	memset(&r, 0, sizeof(r));
	nthreads = num(tok[1]);
	r.iters = num(tok[2]);
	r.addr = num(tok[3]);
	r.pages = num(tok[4]) / PAGE_SIZE;
	r.seed = k;
	if (!nthreads || nthreads > MAX_THREADS || r.pages < 3 ||
	    r.addr < win_base ||
	    r.addr + r.pages * PAGE_SIZE > win_base + win_pages * PAGE_SIZE)
		fail("bad race arguments");
	if (mmap((void *)r.addr, r.pages * PAGE_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		fail("race: cannot reserve the range: %s", strerror(errno));
	outer = r.addr;
	outer_pages = r.pages;
	r.addr += PAGE_SIZE;
	r.pages -= 2;
	if (mmap((void *)r.addr, r.pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		fail("race: cannot prepare the range: %s", strerror(errno));
	stats = read_vma_lock(lock0);
	for (t = 0; t < (int)nthreads; t++) {
		rc[t].r = &r;
		rc[t].id = t;
		if (pthread_create(&th[t], NULL, race_toucher, &rc[t]))
			fail("pthread_create failed");
	}
	s = k * 0x9e3779b97f4a7c15UL + 7;
	for (i = 0; i < r.iters; i++) {
		x = xorshift(&s);
		a = r.addr + (x % r.pages) * PAGE_SIZE;
		switch ((x >> 32) % 3) {
		case 0:
			res = munmap((void *)a, PAGE_SIZE);
			break;
		case 1:
			res = mprotect((void *)a, PAGE_SIZE,
				       (x >> 40) & 1 ? PROT_READ :
				       PROT_READ | PROT_WRITE);
			break;
		default:
			res = mmap((void *)a, PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				   0) == MAP_FAILED ? -1 : 0;
			break;
		}
		if (res == 0)
			remaps++;
	}
	for (t = 0; t < (int)nthreads; t++)
		pthread_join(th[t], NULL);
	stats = stats && read_vma_lock(lock1);
	if (mmap((void *)outer, outer_pages * PAGE_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		fail("race: cannot restore the reservation: %s",
		     strerror(errno));
	for (t = 0; t < (int)nthreads; t++) {
		sum[0] += r.touches[t];
		sum[1] += r.ok[t];
		sum[2] += r.maperr[t];
		sum[3] += r.accerr[t];
		sum[4] += r.sigbus[t];
		sum[5] += r.unexpected[t];
	}
	print_result(k, 0, 0, 0);
	fprintf(out, "@G race %lu %lu %lu %lu %lu %lu %lu %lu\n", k, sum[0],
		sum[1], sum[2], sum[3], sum[4], sum[5], remaps);
	if (stats)
		fprintf(out, "@G vmalock %lu %lu %lu %lu %lu\n", k,
			lock1[0] - lock0[0], lock1[1] - lock0[1],
			lock1[2] - lock0[2], lock1[3] - lock0[3]);
}

/* ---- fork: the child's layout and copy-on-write, page by page ---- */

/* Read one byte at addr: the touch's result; the byte, or -1, in *value. */
static long peek(unsigned long addr, int *value)
{
	*value = -1;
	if (sigsetjmp(touch_env, 1))
		return touch_result(touch_signo, touch_code);
	touch_armed = 1;
	*value = *(volatile unsigned char *)addr;
	touch_armed = 0;
	return 0;
}

/* Write CHILD_MARK at addr: the touch's result. */
static long poke(unsigned long addr)
{
	if (sigsetjmp(touch_env, 1))
		return touch_result(touch_signo, touch_code);
	touch_armed = 1;
	*(volatile unsigned char *)addr = CHILD_MARK;
	touch_armed = 0;
	return 0;
}

/*
 * The parent reads each page of [ADDR, ADDR+LEN), forks and waits: the
 * child prints its own window layout (madvise(MADV_DONTFORK) mappings
 * gone, MADV_WIPEONFORK ones empty), then reads each page and writes
 * CHILD_MARK to it, and exits; then the parent reads the pages again.
 * Sequential on purpose: the child has exited before the parent goes on,
 * so nothing here depends on timing (no race step forks).  A private
 * page keeps the parent's byte in the parent whatever the child wrote
 * (copy-on-write), a shared one shows the child's; the harness holds the
 * bytes to the model's VMAs and compares the access results.
 */
static void run_fork(unsigned long k, char **tok)
{
	static char layout[sizeof(prev_layout)];
	unsigned long addr = num(tok[1]), pages = num(tok[2]) / PAGE_SIZE;
	long r0[MAX_FORK_PAGES], r1[MAX_FORK_PAGES], cr, cw;
	int v0[MAX_FORK_PAGES], v1[MAX_FORK_PAGES], cv, status;
	unsigned long i, a;
	size_t len;
	pid_t pid;

	if (!pages || pages > MAX_FORK_PAGES || addr < win_base ||
	    addr + pages * PAGE_SIZE > win_base + win_pages * PAGE_SIZE)
		fail("bad fork arguments");
	for (i = 0; i < pages; i++)
		r0[i] = peek(addr + i * PAGE_SIZE, &v0[i]);
	/* nothing buffered, or the child would print it again */
	fflush(out);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		len = format_layout(layout, sizeof(layout), "cvma");
		fwrite(layout, 1, len, out);
		fprintf(out, "@G cdone %lu\n", k);
		for (i = 0; i < pages; i++) {
			a = addr + i * PAGE_SIZE;
			cr = peek(a, &cv);
			cw = poke(a);
			fprintf(out, "@G cpage %lu 0x%lx %ld %d %ld\n", k, a, cr,
				cv, cw);
		}
		fflush(out);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail("fork child did not exit cleanly (status 0x%x)", status);
	for (i = 0; i < pages; i++)
		r1[i] = peek(addr + i * PAGE_SIZE, &v1[i]);
	print_result(k, 0, 0, 0);
	for (i = 0; i < pages; i++)
		fprintf(out, "@G fpage %lu 0x%lx %ld %d %ld %d\n", k,
			addr + i * PAGE_SIZE, r0[i], v0[i], r1[i], v1[i]);
}

/* ---- the sequence interpreter ---- */

static int split(char *line, char **tok)
{
	int n = 0;
	char *save, *t;

	for (t = strtok_r(line, " \t\r\n", &save); t && n < MAX_TOKENS;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	return n;
}

static void need(int n, int want, const char *cmd)
{
	if (n != want)
		fail("%s takes %d arguments", cmd, want - 1);
}

static unsigned long usec_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (unsigned long)tv.tv_sec * 1000000UL + (unsigned long)tv.tv_usec;
}

static int run(FILE *in)
{
	char line[512], *tok[MAX_TOKENS];
	unsigned long k = 0, seqs = 0, ops = 0, t0;
	long seq = -1, res;
	int n, sig, code, fd, reserved = 0;
	void *p;

	t0 = usec_now();
	while (fgets(line, sizeof(line), in)) {
		line_no++;
		n = split(line, tok);
		if (!n || tok[0][0] == '#')
			continue;
		sig = code = 0;
		if (!strcmp(tok[0], "window")) {
			need(n, 3, "window");
			if (reserved)
				fail("window after the first seq");
			win_base = num(tok[1]);
			win_pages = num(tok[2]);
			fprintf(out, "@G window 0x%lx %lu\n", win_base,
				win_pages);
			continue;
		}
		if (!strcmp(tok[0], "seq")) {
			need(n, 2, "seq");
			if (!win_pages)
				fail("seq before window");
			if (reserved)
				unmap_window();
			close_files();
			forget_layout();
			reserve_window(!reserved);
			reserved = 1;
			seq = snum(tok[1]);
			k = 0;
			fprintf(out, "@G seq %ld\n", seq);
			continue;
		}
		if (seq < 0)
			fail("'%s' outside a sequence", tok[0]);
		if (!strcmp(tok[0], "file")) {
			need(n, 3, "file");
			open_file(snum(tok[1]), num(tok[2]));
			continue;
		}
		if (!strcmp(tok[0], "end")) {
			need(n, 1, "end");
			if (k == 0) {
				print_result(0, 0, 0, 0);
				print_layout(0);
			}
			fprintf(out, "@G endseq %ld\n", seq);
			fflush(out);
			seq = -1;
			seqs++;
			continue;
		}
		/* the first real operation closes the setup step (op 0) */
		if (k == 0) {
			print_result(0, 0, 0, 0);
			print_layout(0);
		}
		k++;
		ops++;
		if (!strcmp(tok[0], "mmap")) {
			long slot;

			need(n, 7, "mmap");
			slot = snum(tok[5]);
			fd = slot >= 0 && slot < MAX_SLOTS ? slot_fd[slot] : -1;
			p = mmap((void *)num(tok[1]), num(tok[2]),
				 (int)num(tok[3]), (int)num(tok[4]), fd,
				 (off_t)(num(tok[6]) * PAGE_SIZE));
			res = p == MAP_FAILED ? -errno : (long)p;
		} else if (!strcmp(tok[0], "munmap")) {
			need(n, 3, "munmap");
			res = munmap((void *)num(tok[1]), num(tok[2])) ? -errno : 0;
		} else if (!strcmp(tok[0], "mprotect")) {
			need(n, 4, "mprotect");
			res = mprotect((void *)num(tok[1]), num(tok[2]),
				       (int)num(tok[3])) ? -errno : 0;
		} else if (!strcmp(tok[0], "touch")) {
			need(n, 3, "touch");
			if (strcmp(tok[2], "r") && strcmp(tok[2], "w"))
				fail("touch takes r or w");
			sig = touch(num(tok[1]), tok[2][0] == 'w', &code);
			res = touch_result(sig, code);
		} else if (!strcmp(tok[0], "mbind")) {
			need(n, 4, "mbind");
			res = do_mbind(num(tok[1]), num(tok[2]), num(tok[3]));
		} else if (!strcmp(tok[0], "madvise")) {
			need(n, 4, "madvise");
			res = madvise((void *)num(tok[1]), num(tok[2]),
				      (int)num(tok[3])) ? -errno : 0;
		} else if (!strcmp(tok[0], "fork")) {
			need(n, 3, "fork");
			run_fork(k, tok);
			print_layout(k);
			continue;
		} else if (!strcmp(tok[0], "race")) {
			need(n, 5, "race");
			run_race(k, tok);
			print_layout(k);
			continue;
		} else {
			fail("unknown command '%s'", tok[0]);
		}
		print_result(k, res, sig, code);
		print_layout(k);
	}
	if (seq >= 0)
		fail("input ends inside sequence %ld", seq);
	fprintf(out, "@G fin %lu %lu %lu\n", seqs, ops, usec_now() - t0);
	fflush(out);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: guest [-o OUTPUT] [INPUT]\n"
		"Runs testbed operation sequences (INPUT, default stdin) with "
		"real syscalls\nand prints results and window layouts "
		"(OUTPUT, default stdout).\n");
}

int main(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = NULL;
	FILE *in = stdin;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out_path = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			return 0;
		} else if (!in_path && argv[i][0] != '-') {
			in_path = argv[i];
		} else {
			usage();
			return 2;
		}
	}
	out = stdout;
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			perror(out_path);
			return 2;
		}
	}
	if (in_path) {
		in = fopen(in_path, "r");
		if (!in) {
			perror(in_path);
			return 2;
		}
	}
	/* a large buffer: the serial port is slow, write in big chunks */
	setvbuf(out, NULL, _IOFBF, 1 << 16);
	for (i = 0; i < MAX_SLOTS; i++)
		slot_fd[i] = -1;
	install_handlers();
	set_model_limits();
	return run(in);
}
