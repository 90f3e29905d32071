// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel/page_alloc.c - per-thread page lists over one zone, for the perf
 * flavour's first-touch faults (see page_alloc.h).
 */
#include "kernel/page_alloc.h"

#ifdef TB_PERF
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/types.h"

/*
 * The pcp list's shape: a high watermark and a batch (the kernel's
 * defaults are in the same range on small machines).
 */
#define PCP_HIGH	512
#define PCP_BATCH	64
/* The zone grows by 2 MiB blocks from the host, never shrinks. */
#define ZONE_GROW_PAGES	512

/* A free page stores the link to the next one in its first word. */
struct page_list {
	void *head;
	unsigned long count;
};

/*
 * The zone: free pages shared by all threads under zone->lock, taken and
 * given back a batch at a time, as rmqueue_bulk and free_pcppages_bulk do.
 * Pages given back stay in the zone (the buddy allocator's free memory),
 * so a steady workload asks the host for nothing.
 */
static struct page_list zone;
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread struct page_list pcp;
static __thread bool pcp_registered;
static pthread_key_t pcp_key;
static pthread_once_t pcp_once = PTHREAD_ONCE_INIT;

static void list_push(struct page_list *list, void *page)
{
	*(void **)page = list->head;
	list->head = page;
	list->count++;
}

static void *list_pop(struct page_list *list)
{
	void *page = list->head;

	list->head = *(void **)page;
	list->count--;
	return page;
}

/* Moves pages from pcp to the zone until pcp holds keep. */
static void free_pcppages_bulk(struct page_list *list, unsigned long keep)
{
	pthread_mutex_lock(&zone_lock);
	while (list->count > keep)
		list_push(&zone, list_pop(list));
	pthread_mutex_unlock(&zone_lock);
}

/* Thread exit: the thread's pages go back, as a CPU's on hot-unplug. */
static void pcp_exit(void *arg)
{
	free_pcppages_bulk(arg, 0);
}

static void pcp_key_init(void)
{
	if (pthread_key_create(&pcp_key, pcp_exit))
		abort();
}

/* The first use on a thread arms the drain at its exit. */
static void pcp_register(void)
{
	pthread_once(&pcp_once, pcp_key_init);
	if (pthread_setspecific(pcp_key, &pcp))
		abort();
	pcp_registered = true;
}

static void zone_grow(void)
{
	char *block = aligned_alloc(PAGE_SIZE, ZONE_GROW_PAGES * PAGE_SIZE);
	int i;

	if (!block)
		abort();	/* host out of memory: not a model state */
	for (i = 0; i < ZONE_GROW_PAGES; i++)
		list_push(&zone, block + i * PAGE_SIZE);
}

/* rmqueue_bulk: a batch from the zone. */
static void rmqueue_bulk(void)
{
	int i;

	if (!pcp_registered)
		pcp_register();
	pthread_mutex_lock(&zone_lock);
	if (zone.count < PCP_BATCH)
		zone_grow();
	for (i = 0; i < PCP_BATCH; i++)
		list_push(&pcp, list_pop(&zone));
	pthread_mutex_unlock(&zone_lock);
}

void *alloc_zeroed_page(void)
{
	void *page;

	if (!pcp.head)
		rmqueue_bulk();
	page = list_pop(&pcp);
	memset(page, 0, PAGE_SIZE);	/* clear_user_highpage */
	return page;
}

void free_page(void *page)
{
	if (!page)
		return;
	if (!pcp_registered)
		pcp_register();
	list_push(&pcp, page);
	if (pcp.count > PCP_HIGH)
		free_pcppages_bulk(&pcp, PCP_HIGH - PCP_BATCH);
}
#endif
