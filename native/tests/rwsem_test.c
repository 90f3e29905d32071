// SPDX-License-Identifier: GPL-2.0-only
/*
 * rwsem_test.c - the rw_semaphore's queued path (a controlled hook) keeps
 * 4.16's rwsem-xadd.c rules, on real threads: each waiter is held at its
 * blocked point by a gate the test opens, so only the lock decides who
 * gets it (tests/Testbed.Tests' RwSemaphoreQueueSpecs and
 * RwSemaphoreWakeSpecs hold the managed port to the same rules).
 *  1. a release grants read to the readers at the head of the wait list
 *     before they run, ahead of a writer spinning meanwhile;
 *  2. a spinner (not in the list) steals the lock in the window between
 *     the release and the waker's wake-up; the queued reader waits on;
 *  3. a woken writer is not granted: a writer that comes meanwhile takes
 *     the lock, and the woken one sleeps until the next wake-up;
 *  4. a release wakes its sleepers one after another, in queue order.
 * Thread 0 is the test's own; waits are bounded.
 */
#include <pthread.h>
#include <sched.h>
#include "kernel/sched.h"
#include "kernel/rwsem.h"
#include "harness.h"

#define NTHREADS 4

struct ev {
	int who;
	int point;
	const void *obj;
};

static struct {
	pthread_mutex_t m;
	struct ev ev[256];
	int n;
	struct ev last[NTHREADS];	/* each thread's last hook call */
	int closed[NTHREADS];		/* held at its blocked points */
	int holds[NTHREADS];		/* 1 while it holds the lock */
	int release[NTHREADS];		/* the test lets it release */
	int order[NTHREADS];		/* who took the lock, in order */
	int taken;
	void (*on_unlock)(void);	/* at thread 0's next UNLOCK */
} g = { .m = PTHREAD_MUTEX_INITIALIZER };

static __thread int me;

static int ld(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void st(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/*
 * Records each point once per run of identical calls (a waiter retries
 * its blocked point in a loop), and holds a gated waiter at its point.
 */
static void gate_hook(int point, const void *obj, void *ctx)
{
	struct ev *last = &g.last[me];
	void (*fn)(void);

	(void)ctx;
	pthread_mutex_lock(&g.m);
	if ((last->point != point || last->obj != obj) &&
	    g.n < (int)ARRAY_SIZE(g.ev))
		g.ev[g.n++] = (struct ev){ me, point, obj };
	*last = (struct ev){ me, point, obj };
	pthread_mutex_unlock(&g.m);
	if (point == SCHED_UNLOCK && me == 0 && g.on_unlock) {
		fn = g.on_unlock;
		g.on_unlock = NULL;
		fn();
	}
	if (tb_sched_point_blocked(point)) {
		while (ld(&g.closed[me]))
			sched_yield();
		sched_yield();
	}
}

static bool wait_for(const int *p, int v)
{
	long spins;

	for (spins = 0; spins < 20000000L; spins++) {
		if (ld(p) == v)
			return true;
		sched_yield();
	}
	return false;
}

/* The object of who's first recorded point, or NULL. */
static const void *first_obj(int who, int point)
{
	const void *obj = NULL;
	int i;

	pthread_mutex_lock(&g.m);
	for (i = 0; i < g.n && !obj; i++)
		if (g.ev[i].who == who && g.ev[i].point == point)
			obj = g.ev[i].obj;
	pthread_mutex_unlock(&g.m);
	return obj;
}

static bool wait_point(int who, int point)
{
	long spins;

	for (spins = 0; spins < 20000000L; spins++) {
		if (first_obj(who, point))
			return true;
		sched_yield();
	}
	return false;
}

/* How many times a wake-up named obj. */
static int wakes_of(const void *obj)
{
	int i, n = 0;

	pthread_mutex_lock(&g.m);
	for (i = 0; i < g.n; i++)
		if (g.ev[i].point == SCHED_WAKE && g.ev[i].obj == obj)
			n++;
	pthread_mutex_unlock(&g.m);
	return n;
}

struct job {
	int id;
	bool write;
	struct rw_semaphore *sem;
	pthread_t t;
};

static void *job_main(void *arg)
{
	struct job *j = arg;

	me = j->id;
	if (j->write)
		down_write(j->sem);
	else
		down_read(j->sem);
	g.order[__atomic_fetch_add(&g.taken, 1, __ATOMIC_SEQ_CST)] = me;
	st(&g.holds[me], 1);
	wait_for(&g.release[me], 1);
	st(&g.holds[me], 0);
	if (j->write)
		up_write(j->sem);
	else
		up_read(j->sem);
	return NULL;
}

static void reset(struct rw_semaphore *sem, struct job *jobs)
{
	pthread_mutex_lock(&g.m);
	g.n = 0;
	g.taken = 0;
	g.on_unlock = NULL;
	memset(g.last, 0, sizeof(g.last));
	memset(g.closed, 0, sizeof(g.closed));
	memset(g.holds, 0, sizeof(g.holds));
	memset(g.release, 0, sizeof(g.release));
	memset(g.order, -1, sizeof(g.order));
	pthread_mutex_unlock(&g.m);
	me = 0;
	init_rwsem(sem);
	memset(jobs, 0, NTHREADS * sizeof(*jobs));
	tb_sched_set_hook(gate_hook, NULL, true);
}

static bool start(struct job *j, int id, bool write, struct rw_semaphore *sem,
		  bool gated)
{
	j->id = id;
	j->write = write;
	j->sem = sem;
	st(&g.closed[id], gated);
	return pthread_create(&j->t, NULL, job_main, j) == 0;
}

/* Lets every job go and joins it; the semaphore must end free. */
static bool finish(struct rw_semaphore *sem, struct job *jobs, int n)
{
	int i;

	for (i = 1; i < n; i++) {
		st(&g.closed[i], 0);
		st(&g.release[i], 1);
		pthread_join(jobs[i].t, NULL);
	}
	tb_sched_set_hook(NULL, NULL, false);
	ASSERT_FALSE(rwsem_is_locked(sem));
	rwsem_destroy(sem);
	return true;
}

/*
 * The scene of rules 1 and 2: we hold the semaphore for write, job 1's
 * read sleeps in the wait list, job 2's write spins on us (held at its
 * point by its gate).
 */
static bool queue_reader_and_spinner(struct rw_semaphore *sem,
				     struct job *jobs)
{
	down_write(sem);
	ASSERT_TRUE(start(&jobs[1], 1, false, sem, false));
	ASSERT_TRUE(wait_point(1, SCHED_SEM_WAIT_READ));
	ASSERT_TRUE(start(&jobs[2], 2, true, sem, true));
	ASSERT_TRUE(wait_point(2, SCHED_SEM_WAIT_WRITE_ON_WRITER));
	return true;
}

static bool test_release_grants_queued_reader_ahead_of_spinner(void)
{
	struct rw_semaphore sem;
	struct job jobs[NTHREADS];

	reset(&sem, jobs);
	ASSERT_TRUE(queue_reader_and_spinner(&sem, jobs));
	up_write(&sem);
	/* granted before it ran, while the spinner is held at its point */
	ASSERT_TRUE(wait_for(&g.holds[1], 1));
	ASSERT_EQ(wakes_of(first_obj(1, SCHED_SEM_WAIT_READ)), 1);
	st(&g.closed[2], 0);
	/* the spinner finds a reader owner: it stops and sleeps */
	ASSERT_TRUE(wait_point(2, SCHED_SEM_WAIT_WRITE));
	ASSERT_FALSE(ld(&g.holds[2]));
	st(&g.release[1], 1);
	ASSERT_TRUE(wait_for(&g.holds[2], 1));
	ASSERT_EQ(g.order[0], 1);
	ASSERT_EQ(g.order[1], 2);
	return finish(&sem, jobs, 3);
}

static void let_spinner_steal(void)
{
	st(&g.closed[2], 0);
	wait_for(&g.holds[2], 1);
}

static bool test_spinner_steals_ahead_of_queued_reader(void)
{
	struct rw_semaphore sem;
	struct job jobs[NTHREADS];
	const void *reader;

	reset(&sem, jobs);
	ASSERT_TRUE(queue_reader_and_spinner(&sem, jobs));
	reader = first_obj(1, SCHED_SEM_WAIT_READ);
	/* the spinner runs between our release and our wake-up */
	g.on_unlock = let_spinner_steal;
	up_write(&sem);
	ASSERT_TRUE(ld(&g.holds[2]));
	ASSERT_FALSE(ld(&g.holds[1]));
	ASSERT_EQ(wakes_of(reader), 0);
	/* the thief's release grants the reader */
	st(&g.release[2], 1);
	ASSERT_TRUE(wait_for(&g.holds[1], 1));
	ASSERT_EQ(wakes_of(reader), 1);
	ASSERT_EQ(g.order[0], 2);
	ASSERT_EQ(g.order[1], 1);
	return finish(&sem, jobs, 3);
}

static bool test_woken_writer_is_robbed_and_sleeps_again(void)
{
	struct rw_semaphore sem;
	struct job jobs[NTHREADS];
	const void *w1;

	reset(&sem, jobs);
	down_read(&sem);
	/* a writer behind readers does not spin: it sleeps in the list */
	ASSERT_TRUE(start(&jobs[1], 1, true, &sem, true));
	ASSERT_TRUE(wait_point(1, SCHED_SEM_WAIT_WRITE));
	w1 = first_obj(1, SCHED_SEM_WAIT_WRITE);
	up_read(&sem);
	ASSERT_EQ(wakes_of(w1), 1);
	/* woken, not granted: a newcomer finds the lock free and takes it */
	ASSERT_TRUE(start(&jobs[2], 2, true, &sem, false));
	ASSERT_TRUE(wait_for(&g.holds[2], 1));
	ASSERT_FALSE(ld(&g.holds[1]));
	st(&g.closed[1], 0);
	st(&g.release[2], 1);
	ASSERT_TRUE(wait_for(&g.holds[1], 1));
	/* it slept again until the newcomer's release woke it */
	ASSERT_EQ(wakes_of(w1), 2);
	ASSERT_EQ(g.order[0], 2);
	ASSERT_EQ(g.order[1], 1);
	return finish(&sem, jobs, 3);
}

static bool test_release_wakes_readers_one_after_another(void)
{
	struct rw_semaphore sem;
	struct job jobs[NTHREADS];
	const void *r[NTHREADS];
	int i, k = 1, at = -1;

	reset(&sem, jobs);
	down_write(&sem);
	for (i = 1; i < NTHREADS; i++) {
		ASSERT_TRUE(start(&jobs[i], i, false, &sem, true));
		ASSERT_TRUE(wait_point(i, SCHED_SEM_WAIT_READ));
		r[i] = first_obj(i, SCHED_SEM_WAIT_READ);
	}
	up_write(&sem);
	/* our UNLOCK, then one WAKE per reader, in the order they queued */
	pthread_mutex_lock(&g.m);
	for (i = 0; i < g.n; i++) {
		if (g.ev[i].who != 0)
			continue;
		if (g.ev[i].point == SCHED_UNLOCK)
			at = i;
		else if (at >= 0 && g.ev[i].point == SCHED_WAKE &&
			 k < NTHREADS && g.ev[i].obj == r[k])
			k++;
	}
	pthread_mutex_unlock(&g.m);
	ASSERT_TRUE(at >= 0);
	ASSERT_EQ(k, NTHREADS);
	for (i = 1; i < NTHREADS; i++) {
		st(&g.closed[i], 0);
		ASSERT_TRUE(wait_for(&g.holds[i], 1));
	}
	return finish(&sem, jobs, NTHREADS);
}

static bool test_downgrade_grants_head_readers_ahead_of_spinner(void)
{
	struct rw_semaphore sem;
	struct job jobs[NTHREADS];

	reset(&sem, jobs);
	ASSERT_TRUE(queue_reader_and_spinner(&sem, jobs));
	downgrade_write(&sem);
	/* the queued reader reads beside us */
	ASSERT_TRUE(wait_for(&g.holds[1], 1));
	st(&g.closed[2], 0);
	ASSERT_TRUE(wait_point(2, SCHED_SEM_WAIT_WRITE));
	up_read(&sem);
	ASSERT_FALSE(ld(&g.holds[2]));
	st(&g.release[1], 1);
	ASSERT_TRUE(wait_for(&g.holds[2], 1));
	return finish(&sem, jobs, 3);
}

void run_rwsem_tests(void)
{
	TEST(release_grants_queued_reader_ahead_of_spinner);
	TEST(spinner_steals_ahead_of_queued_reader);
	TEST(woken_writer_is_robbed_and_sleeps_again);
	TEST(release_wakes_readers_one_after_another);
	TEST(downgrade_grants_head_readers_ahead_of_spinner);
}
