// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/rwsem.h's struct rwsem_waiter: one sleeper in an rw_semaphore's
// wait list (the queued path, under a controlled scheduler).
namespace Testbed.Managed.Kernel;

/// <summary>
/// One sleeper in <see cref="RwSemaphore"/>'s FIFO wait list; also what it sleeps on (the
/// object of its SemWaitRead/SemWaitWrite point, and of the waker's Wake point).
/// </summary>
internal sealed class RwSemWaiter(bool writer)
{
    private volatile bool woken;

    /// <summary>Whether it waits to write.</summary>
    public bool Writer { get; } = writer;

    /// <summary>The waiter ahead of it (null: the head), under the semaphore's wait lock.</summary>
    public RwSemWaiter? Prev { get; set; }

    /// <summary>The waiter behind it (null: the tail), under the semaphore's wait lock.</summary>
    public RwSemWaiter? Next { get; set; }

    /// <summary>A reader: granted the lock; a writer: woken, not granted (it competes when it runs).</summary>
    public bool Woken
    {
        get => woken;
        set => woken = value;
    }
}
