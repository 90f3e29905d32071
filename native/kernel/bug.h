/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bug.h - WARN/BUG that record a violation instead of crashing.
 *
 * Customised for testing: every WARN_ON/BUG_ON that fires appends
 * {site = __func__, line, message} to current's violation log (or the
 * global one) and execution continues.  Like the kernel's, the WARN
 * macros evaluate to the (boolean) condition.  The *_ONCE variants record
 * every occurrence: the harness wants the count, and the log is capped.
 * VM_BUG_ON/VM_WARN_ON are always on (as with CONFIG_DEBUG_VM).
 * Messages name objects by their kmem id, never by address: a report must
 * read the same in every process that replays the run (shards of a sweep
 * run in different processes, and their merge is compared with one run).
 */
#ifndef _TB_KERNEL_BUG_H
#define _TB_KERNEL_BUG_H

#include "kernel/types.h"

void tb_record_violation(const char *site, unsigned int line,
			 const char *fmt, ...) __printf(3, 4);

/* Stand-ins: printk output is dropped, but the format is still checked. */
static inline __printf(1, 2) int tb_no_printk(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* A WARN of the perf flavour: site and line only, no formatting. */
void tb_count_violation(const char *site, unsigned int line);

#ifdef TB_PERF
/*
 * The perf flavour keeps every check's condition (some have side
 * effects) but only counts what fires: the message is not formatted.
 */
#define WARN(cond, fmt, ...) ({						\
	bool __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn)) {					\
		tb_count_violation(__func__, __LINE__);			\
		if (0)	/* the format and its arguments stay checked */	\
			tb_no_printk(fmt, ##__VA_ARGS__);		\
	}								\
	__ret_warn; })
#else
#define WARN(cond, fmt, ...) ({						\
	bool __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn))					\
		tb_record_violation(__func__, __LINE__, fmt, ##__VA_ARGS__); \
	__ret_warn; })
#endif

#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)", #cond)
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON_ONCE(cond)	WARN(cond, "WARN_ON_ONCE(%s)", #cond)
#define BUG_ON(cond)		((void)WARN(cond, "BUG_ON(%s)", #cond))
#define BUG()			tb_record_violation(__func__, __LINE__, "BUG()")
#define VM_BUG_ON(cond)		((void)WARN(cond, "VM_BUG_ON(%s)", #cond))
#define VM_BUG_ON_VMA(cond, vma)					\
	((void)WARN(cond, "VM_BUG_ON_VMA(%s) vma id %llu", #cond,		\
		    (unsigned long long)(vma)->tb_id))
#define VM_BUG_ON_MM(cond, mm)						\
	((void)WARN(cond, "VM_BUG_ON_MM(%s)", #cond))
#define VM_WARN_ON(cond)	((void)WARN(cond, "VM_WARN_ON(%s)", #cond))
#define VM_WARN_ON_ONCE(cond)	WARN(cond, "VM_WARN_ON_ONCE(%s)", #cond)


#define pr_emerg(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)
#define printk(fmt, ...)	tb_no_printk(fmt, ##__VA_ARGS__)

#endif /* _TB_KERNEL_BUG_H */
