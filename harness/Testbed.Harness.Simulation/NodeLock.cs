// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One node's spinlock over page lists in virtual time — its zone->lock (the per-CPU lists'
/// refills and drains, <see cref="PerCpuPages"/>) or its pgdat->lru_lock (the pagevecs' drains
/// and a zap's releases, <see cref="LruLists"/>) — taken in the order the engine runs the
/// takers (qspinlock's queue is FIFO), like a line's <see cref="CacheLine.FreeAt"/>.
/// <see cref="FreeAt"/> is when its last hold ends, <see cref="Holder"/> the CPU whose cache
/// has its line.
/// </summary>
internal sealed class NodeLock
{
    /// <summary>Virtual ns at which the last hold ends.</summary>
    public double FreeAt;

    /// <summary>The CPU that held it last, or -1.</summary>
    public int Holder = -1;
}
