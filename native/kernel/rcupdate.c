// SPDX-License-Identifier: GPL-2.0-only
/*
 * rcupdate.c - the RCU shim on liburcu (urcu-memb), see rcupdate.h.
 * Compiled into every library, but only the configs that free VMAs after
 * a grace period (CONFIG_PER_VMA_LOCK, CONFIG_SPF_RCU) have a body and
 * link liburcu.
 */
#include "kernel/rcupdate.h"

#if defined(CONFIG_PER_VMA_LOCK) || defined(CONFIG_SPF_RCU)
#include <pthread.h>
/* the static API: liburcu's per-thread reader state is visible to us */
#define _LGPL_SOURCE
/* liburcu's struct rcu_head under another name: ours wraps it */
#define rcu_head urcu_rcu_head
#include <urcu/urcu-memb.h>
#undef rcu_head
/*
 * but the read side through the library's functions: inlined, its futex
 * handshake with synchronize_rcu would be instrumented on one side only,
 * and TSan would call that a race.
 */
#undef urcu_memb_read_lock
#undef urcu_memb_read_unlock
extern void urcu_memb_read_lock(void);
extern void urcu_memb_read_unlock(void);
#include "kernel/bug.h"
#include "kernel/sched.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
/* The one sync object standing for "a grace period elapsed". */
static char tb_rcu_gp;
#define tb_rcu_tsan_release()	__tsan_release(&tb_rcu_gp)
#define tb_rcu_tsan_acquire()	__tsan_acquire(&tb_rcu_gp)
#define tb_rcu_tsan_handoff(p)	__tsan_release(p)
#define tb_rcu_tsan_takeover(p)	__tsan_acquire(p)
#else
#define tb_rcu_tsan_release()	do { } while (0)
#define tb_rcu_tsan_acquire()	do { } while (0)
#define tb_rcu_tsan_handoff(p)	do { (void)(p); } while (0)
#define tb_rcu_tsan_takeover(p)	do { (void)(p); } while (0)
#endif

_Static_assert(sizeof(struct urcu_rcu_head) ==
	       sizeof(((struct rcu_head *)0)->tb_urcu),
	       "struct rcu_head must begin with liburcu's");

static __thread int rcu_nesting;
static pthread_key_t rcu_exit_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;

/*
 * The controlled grace period.  liburcu's synchronize_rcu sleeps until
 * every reader it saw has left its section, and a controlled scheduler
 * runs one thread at a time: the writer would sleep on a reader that is
 * parked and never runs again.  So this library also tracks its readers:
 * each thread's outermost section records the grace-period sequence when
 * it began, and under a controlled hook synchronize_rcu bumps the sequence
 * and reports SCHED_BLOCKED until no section that began before is still
 * open, the way the lock shims retry a trylock (locks.c).  The registry
 * is per library (as rcu_nesting is), its lock never held across tb_sched.
 */
struct rcu_ctl_reader {
	struct rcu_ctl_reader *next;
	struct rcu_ctl_reader **pprev;
	unsigned long start;	/* ctl_gp_seq when the section began */
	bool active;		/* inside a read-side section */
};

static __thread struct rcu_ctl_reader ctl_self;
static __thread bool ctl_listed;
static struct rcu_ctl_reader *ctl_readers;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long ctl_gp_seq;
static pthread_key_t ctl_exit_key;
static pthread_once_t ctl_key_once = PTHREAD_ONCE_INIT;

/* A listed thread that exits leaves the registry before its TLS goes. */
static void ctl_thread_exit(void *arg)
{
	struct rcu_ctl_reader *r = arg;

	pthread_mutex_lock(&ctl_lock);
	*r->pprev = r->next;
	if (r->next)
		r->next->pprev = r->pprev;
	pthread_mutex_unlock(&ctl_lock);
	ctl_listed = false;
}

static void ctl_make_key(void)
{
	if (pthread_key_create(&ctl_exit_key, ctl_thread_exit))
		abort();	/* host out of keys: not a model state */
}

static void ctl_list_current(void)
{
	pthread_once(&ctl_key_once, ctl_make_key);
	pthread_mutex_lock(&ctl_lock);
	ctl_self.next = ctl_readers;
	if (ctl_readers)
		ctl_readers->pprev = &ctl_self.next;
	ctl_self.pprev = &ctl_readers;
	ctl_readers = &ctl_self;
	pthread_mutex_unlock(&ctl_lock);
	pthread_setspecific(ctl_exit_key, &ctl_self);
	ctl_listed = true;
}

/*
 * Some thread (another one only, with @others) is in a section that
 * began before grace period @target.
 */
static bool __ctl_reader_before(unsigned long target, bool others)
{
	struct rcu_ctl_reader *r;
	bool found = false;

	pthread_mutex_lock(&ctl_lock);
	for (r = ctl_readers; r && !found; r = r->next)
		found = (!others || r != &ctl_self) &&
			__atomic_load_n(&r->active, __ATOMIC_SEQ_CST) &&
			__atomic_load_n(&r->start, __ATOMIC_SEQ_CST) < target;
	pthread_mutex_unlock(&ctl_lock);
	return found;
}

static bool ctl_reader_before(unsigned long target)
{
	return __ctl_reader_before(target, true);
}

/*
 * The controlled call_rcu.  liburcu runs a callback on its own thread
 * some 10 ms after the grace period, whenever that is: under a controlled
 * scheduler the moment would depend on the host's timing, so a schedule
 * that frees a VMA under a reader would not replay.  So, while a
 * controlled hook is installed, call_rcu queues here, the callback's
 * grace period being the sequence bumped at the call (a section that
 * began before it holds the callback back), and the queue is run, in
 * order, by whichever thread passes a point where a grace period may
 * have ended: call_rcu itself, the end of an outermost read-side
 * section, a thread waiting for callbacks.  The managed port's Rcu.cs
 * runs its callbacks the same way.
 */
static void *ctl_cb_head;			/* struct rcu_head * */
static void **ctl_cb_tail = &ctl_cb_head;
static unsigned long ctl_cb_queued;
static pthread_mutex_t ctl_cb_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * A queued head's link and grace period live in the liburcu part of the
 * head, unused until liburcu has it (the size of struct rcu_head is the
 * maple tree's too: maple/maple.h).
 */
static void ctl_call_rcu(struct rcu_head *head)
{
	unsigned long target;

	pthread_mutex_lock(&ctl_cb_lock);
	/* taken in queue order, so the queue's targets only grow */
	target = __atomic_add_fetch(&ctl_gp_seq, 1, __ATOMIC_SEQ_CST);
	head->tb_urcu[1] = (void *)(uintptr_t)target;
	head->tb_urcu[0] = NULL;
	*ctl_cb_tail = head;
	ctl_cb_tail = &head->tb_urcu[0];
	__atomic_add_fetch(&ctl_cb_queued, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctl_cb_lock);
}

void rcu_run_ready_callbacks(void)
{
	struct rcu_head *head;

	while (__atomic_load_n(&ctl_cb_queued, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ctl_cb_lock);
		head = ctl_cb_head;
		/* a later target waits for no fewer readers: stop here */
		if (!head ||
		    __ctl_reader_before((uintptr_t)head->tb_urcu[1], false)) {
			pthread_mutex_unlock(&ctl_cb_lock);
			return;
		}
		ctl_cb_head = head->tb_urcu[0];
		if (!ctl_cb_head)
			ctl_cb_tail = &ctl_cb_head;
		__atomic_sub_fetch(&ctl_cb_queued, 1, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&ctl_cb_lock);
		tb_rcu_tsan_takeover(head);
		tb_rcu_tsan_acquire();
		head->func(head);
	}
}

/*
 * Registration is liburcu's per-thread state, shared by every config
 * library of the process (they all load the one liburcu-memb.so): ask it,
 * not a flag of our own, or a thread that faulted on mmu-spf-rcu and then
 * on mmu-pvl would register twice.
 */
static bool rcu_registered(void)
{
	return URCU_TLS(urcu_memb_reader).registered;
}

/* A registered thread that exits must leave liburcu's registry. */
static void rcu_thread_exit(void *arg)
{
	(void)arg;
	if (rcu_registered())
		urcu_memb_unregister_thread();
}

static void rcu_make_key(void)
{
	if (pthread_key_create(&rcu_exit_key, rcu_thread_exit))
		abort();	/* host out of keys: not a model state */
}

static void rcu_register_current(void)
{
	pthread_once(&rcu_key_once, rcu_make_key);
	urcu_memb_register_thread();
	/* any non-NULL value makes the destructor run at thread exit */
	pthread_setspecific(rcu_exit_key, &rcu_exit_key);
}

/* liburcu's call_rcu wants a registered caller. */
static void rcu_register_if_needed(void)
{
	if (!rcu_registered())
		rcu_register_current();
}

void rcu_read_lock(void)
{
	rcu_register_if_needed();
	if (!ctl_listed)
		ctl_list_current();
	if (rcu_nesting++ == 0) {
		/*
		 * Active before the sample: a grace period that bumped the
		 * sequence after our sample sees us active and waits; one that
		 * bumped it before is over for us (we read after its removal).
		 */
		__atomic_store_n(&ctl_self.active, true, __ATOMIC_SEQ_CST);
		__atomic_store_n(&ctl_self.start,
				 __atomic_load_n(&ctl_gp_seq, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
	}
	urcu_memb_read_lock();
}

void rcu_read_unlock(void)
{
	WARN(rcu_nesting <= 0, "rcu_read_unlock without rcu_read_lock");
	tb_rcu_tsan_release();
	urcu_memb_read_unlock();
	if (--rcu_nesting == 0) {
		__atomic_store_n(&ctl_self.active, false, __ATOMIC_SEQ_CST);
		rcu_run_ready_callbacks();
	}
}

void synchronize_rcu(void)
{
	/* waiting for our own section would never end */
	WARN(rcu_nesting > 0, "synchronize_rcu inside a read-side section");
	tb_sched(SCHED_RCU_SYNC, NULL);
	if (tb_sched_controlled()) {
		unsigned long target = __atomic_add_fetch(&ctl_gp_seq, 1,
							  __ATOMIC_SEQ_CST);

		/*
		 * No liburcu wait after this one: it would also wait for a
		 * section that began after @target, on a reader the
		 * scheduler may have parked.
		 */
		while (ctl_reader_before(target))
			tb_sched(SCHED_BLOCKED, &ctl_gp_seq);
	} else {
		urcu_memb_synchronize_rcu();
	}
	tb_rcu_tsan_acquire();
}

bool rcu_read_lock_held(void)
{
	return rcu_nesting > 0;
}

/*
 * liburcu calls this on its call_rcu thread after the grace period.
 * liburcu is not instrumented: acquiring the head orders the callback
 * after its call_rcu, acquiring the grace-period object after every
 * read-side section that ended before.
 */
static void rcu_callback_trampoline(struct urcu_rcu_head *urcu)
{
	struct rcu_head *head = container_of((void *)urcu, struct rcu_head,
					     tb_urcu);

	tb_rcu_tsan_takeover(head);
	tb_rcu_tsan_acquire();
	head->func(head);
}

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	rcu_register_if_needed();
	head->func = func;
	tb_rcu_tsan_handoff(head);
	if (tb_sched_controlled()) {
		ctl_call_rcu(head);
		rcu_run_ready_callbacks();
		return;
	}
	urcu_memb_call_rcu((struct urcu_rcu_head *)head->tb_urcu,
			   rcu_callback_trampoline);
}

#endif
