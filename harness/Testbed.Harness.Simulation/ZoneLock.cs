// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One node's zone->lock in virtual time: a spinlock the per-CPU lists' refills and drains
/// (<see cref="PerCpuPages"/>) take in the order the engine runs them (qspinlock's queue is
/// FIFO), like a line's <see cref="CacheLine.FreeAt"/>. <see cref="FreeAt"/> is when its last
/// hold ends, <see cref="Holder"/> the CPU whose cache has its line.
/// </summary>
internal sealed class ZoneLock
{
    /// <summary>Virtual ns at which the last hold ends.</summary>
    public double FreeAt;

    /// <summary>The CPU that held it last, or -1.</summary>
    public int Holder = -1;
}
