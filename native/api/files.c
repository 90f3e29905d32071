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

struct file *tb_fget(struct mm_struct *mm, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= TB_MAX_FILES)
		return NULL;
	spin_lock(&mm->files_lock);
	if (file_valid(mm->files[fd]))
		f = get_file(mm->files[fd]);
	spin_unlock(&mm->files_lock);
	return f;
}

/* The lowest free fd is reserved first, so a full table allocates nothing. */
int tb_files_open(struct mm_struct *mm, u64 size, u32 flags)
{
	struct file *f;
	int fd;

	if (flags & ~(u32)(TB_FILE_MAP_DIRECT | TB_FILE_MAP_COPY))
		return -EINVAL;
	if (size == 0 || offset_in_page(size))
		return -EINVAL;

	spin_lock(&mm->files_lock);
	for (fd = 0; fd < TB_MAX_FILES; fd++)
		if (!mm->files[fd])
			break;
	if (fd == TB_MAX_FILES) {
		spin_unlock(&mm->files_lock);
		return -EMFILE;
	}
	mm->files[fd] = FILE_RESERVED;
	spin_unlock(&mm->files_lock);

	f = file_alloc(size, flags);

	spin_lock(&mm->files_lock);
	mm->files[fd] = f;
	spin_unlock(&mm->files_lock);
	return f ? fd : -ENOMEM;
}

int tb_files_close(struct mm_struct *mm, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= TB_MAX_FILES)
		return -EBADF;
	spin_lock(&mm->files_lock);
	f = mm->files[fd];
	if (!file_valid(f)) {
		spin_unlock(&mm->files_lock);
		return -EBADF;
	}
	mm->files[fd] = NULL;
	spin_unlock(&mm->files_lock);
	fput(f);
	return 0;
}

/* exit_files: close what is still open, lowest fd first. */
void tb_files_release(struct mm_struct *mm)
{
	int fd;

	for (fd = 0; fd < TB_MAX_FILES; fd++) {
		struct file *f = mm->files[fd];

		mm->files[fd] = NULL;
		if (file_valid(f))
			fput(f);
	}
}
