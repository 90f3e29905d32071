// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One node's pgdat->lru_lock in virtual time: the spinlock a per-CPU pagevec's drain onto the
/// LRU lists and a zap's release of pages from them (<see cref="LruLists"/>) take in the order
/// the engine runs them (qspinlock's queue is FIFO), as <see cref="ZoneLock"/> is taken.
/// <see cref="FreeAt"/> is when its last hold ends, <see cref="Holder"/> the CPU whose cache
/// has its line.
/// </summary>
internal sealed class LruLock
{
    /// <summary>Virtual ns at which the last hold ends.</summary>
    public double FreeAt;

    /// <summary>The CPU that held it last, or -1.</summary>
    public int Holder = -1;
}
