/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * irqflags.h - local_irq_disable/local_irq_enable, per thread.
 *
 * Customised for testing: the model has no interrupts, so "disabled"
 * only records what the kernel's code would have: this CPU (thread)
 * cannot answer an IPI now.  The spinlock shim uses it to report a
 * thread that waits for a lock with interrupts off (kernel/spinlock.h),
 * which is a deadlock in the kernel when the lock's holder waits for
 * that thread's answer to a TLB-flush IPI (mm/memory.c, zap_table).
 */
#ifndef _TB_KERNEL_IRQFLAGS_H
#define _TB_KERNEL_IRQFLAGS_H

#include "kernel/types.h"

extern __thread unsigned int tb_irqs_off;

static inline void local_irq_disable(void)
{
	tb_irqs_off++;
}

static inline void local_irq_enable(void)
{
	tb_irqs_off--;
}

static inline bool irqs_disabled(void)
{
	return tb_irqs_off != 0;
}

#endif /* _TB_KERNEL_IRQFLAGS_H */
