// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/irqflags.h: local_irq_disable/local_irq_enable, per thread.
namespace Testbed.Managed.Kernel;

/// <summary>
/// Interrupts of the current thread (its "CPU"): the port has none, so "disabled" only records
/// that this thread could not answer an IPI now. <see cref="SpinLockT"/> publishes a wait with
/// interrupts off, for a holder that waits for every CPU's answer (<see cref="SpinLockT.CheckIpiWait"/>).
/// </summary>
internal static class IrqFlags
{
    [ThreadStatic]
    private static int disabled;

    /// <summary>local_irq_disable.</summary>
    public static void Disable() => disabled++;

    /// <summary>local_irq_enable.</summary>
    public static void Enable() => disabled--;

    /// <summary>irqs_disabled.</summary>
    public static bool Disabled => disabled != 0;
}
