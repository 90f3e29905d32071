// SPDX-License-Identifier: GPL-2.0-only
/*
 * api/files.c - the per-mm file table (a process's fd table): the table
 * holds one reference per open file; mmap takes a temporary one (fget)
 * and the VMA its own.
 */
#include "api/api.h"

/* A slot being filled by file_open: taken, but not an open file yet. */
#define FILE_RESERVED	((struct file *)1)

static bool file_valid(struct file *f)
{
	return f && f != FILE_RESERVED;
}

/*
 * kernel/fs.h's fget: a reference to the file open at fd in the calling
 * task's table (the process whose mm the API call runs on).
 */
struct file *fget(unsigned int fd)
{
	struct tb_process *proc = tb_process_of(current->mm);
	struct file *f = NULL;

	if (fd >= TB_MAX_FILES)
		return NULL;
	spin_lock(&proc->files_lock);
	if (file_valid(proc->files[fd]))
		f = get_file(proc->files[fd]);
	spin_unlock(&proc->files_lock);
	return f;
}

/* The lowest free fd is reserved first, so a full table allocates nothing. */
int tb_files_open(struct mm_struct *mm, u64 size, u32 flags)
{
	struct tb_process *proc = tb_process_of(mm);
	struct file *f;
	int fd;

	if (flags & ~(u32)(TB_FILE_MAP_DIRECT | TB_FILE_MAP_COPY))
		return -EINVAL;
	if (size == 0 || offset_in_page(size))
		return -EINVAL;

	spin_lock(&proc->files_lock);
	for (fd = 0; fd < TB_MAX_FILES; fd++)
		if (!proc->files[fd])
			break;
	if (fd == TB_MAX_FILES) {
		spin_unlock(&proc->files_lock);
		return -EMFILE;
	}
	proc->files[fd] = FILE_RESERVED;
	spin_unlock(&proc->files_lock);

	f = file_alloc(size, flags);

	spin_lock(&proc->files_lock);
	proc->files[fd] = f;
	spin_unlock(&proc->files_lock);
	return f ? fd : -ENOMEM;
}

int tb_files_close(struct mm_struct *mm, int fd)
{
	struct tb_process *proc = tb_process_of(mm);
	struct file *f;

	if (fd < 0 || fd >= TB_MAX_FILES)
		return -EBADF;
	spin_lock(&proc->files_lock);
	f = proc->files[fd];
	if (!file_valid(f)) {
		spin_unlock(&proc->files_lock);
		return -EBADF;
	}
	proc->files[fd] = NULL;
	spin_unlock(&proc->files_lock);
	fput(f);
	return 0;
}

/* exit_files: close what is still open, lowest fd first. */
void tb_files_release(struct mm_struct *mm)
{
	struct tb_process *proc = tb_process_of(mm);
	int fd;

	for (fd = 0; fd < TB_MAX_FILES; fd++) {
		struct file *f = proc->files[fd];

		proc->files[fd] = NULL;
		if (file_valid(f))
			fput(f);
	}
}

/*
 * dup_fd for fork: the child's table holds its own reference to every
 * file open in the parent's, at the same fd, lowest first (a slot still
 * being filled by a racing file_open is not open yet: skipped).
 */
void tb_files_dup(struct mm_struct *child, struct mm_struct *parent)
{
	struct tb_process *to = tb_process_of(child);
	struct tb_process *from = tb_process_of(parent);
	int fd;

	spin_lock(&from->files_lock);
	for (fd = 0; fd < TB_MAX_FILES; fd++)
		if (file_valid(from->files[fd]))
			to->files[fd] = get_file(from->files[fd]);
	spin_unlock(&from->files_lock);
}
