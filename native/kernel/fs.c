// SPDX-License-Identifier: GPL-2.0-only
/*
 * fs.c - struct file lifetime: file_alloc, get_file, fput.
 */
#include <pthread.h>
#include "kernel/fs.h"
#include "kernel/slab.h"
#include "kernel/bug.h"
#include "kernel/trace.h"

static struct kmem_cache *filp_cachep;
static pthread_once_t filp_once = PTHREAD_ONCE_INIT;

static void filp_cache_init(void)
{
	filp_cachep = kmem_cache_create("filp", sizeof(struct file),
					CACHE_FILE);
}

struct file *file_alloc(u64 size, u32 flags)
{
	struct file *f;

	pthread_once(&filp_once, filp_cache_init);
	f = kmem_cache_zalloc(filp_cachep, GFP_KERNEL);
	if (!f)
		return NULL;
	atomic_long_set(&f->f_count, 1);
	f->tb_id = kmem_obj_id(f);
	f->size = size;
	f->flags = flags;
	tb_trace_event(EV_FILE_ALLOC, f->tb_id, 1);
	return f;
}

struct file *get_file(struct file *f)
{
	long old;

	if (WARN(kmem_obj_freed(f), "get_file on freed file id %llu",
		 (unsigned long long)kmem_obj_id(f)))
		return f;
	old = atomic_long_fetch_add_unless(&f->f_count, 1, 0);
	if (WARN(old <= 0, "get_file on file id %llu with f_count %ld",
		 (unsigned long long)f->tb_id, old))
		return f;
	tb_trace_event(EV_FILE_GET, f->tb_id, old + 1);
	return f;
}

void fput(struct file *f)
{
	long old, new;
	u64 id;

	if (WARN(kmem_obj_freed(f), "fput on freed file id %llu",
		 (unsigned long long)kmem_obj_id(f)))
		return;
	/* once our reference is dropped another fput may free f */
	id = f->tb_id;
	/* Decrement unless already zero: never go negative. */
	old = atomic_long_fetch_add_unless(&f->f_count, -1, 0);
	if (WARN(old <= 0, "fput on file id %llu with f_count %ld",
		 (unsigned long long)id, old))
		return;
	new = old - 1;
	tb_trace_event(EV_FILE_PUT, id, new);
	if (new == 0) {
		tb_trace_event(EV_FILE_FREE, id, 0);
		kmem_cache_free(filp_cachep, f);
	}
}
