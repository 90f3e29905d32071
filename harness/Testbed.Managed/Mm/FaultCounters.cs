// SPDX-License-Identifier: GPL-2.0-only
// The fault counters of struct tb_stats: one block per thread (struct mm_fault_events of
// native/mm/mm_types.h), summed when read (Vmstat.cs).
using Testbed.Contract;

namespace Testbed.Managed.Mm;

/// <summary>Fault statistics of one thread; written by that thread only, read with Volatile.</summary>
internal sealed class FaultCounters
{
    /// <summary>All faults.</summary>
    public long Faults;

    /// <summary>Speculative attempts.</summary>
    public long SpfAttempts;

    /// <summary>Speculative successes.</summary>
    public long SpfSuccess;

    /// <summary>Aborts by <see cref="SpfAbort"/>.</summary>
    public readonly long[] SpfAborts = new long[9];

    /// <summary>Faults handled under mmap_sem read.</summary>
    public long ClassicFaults;

    /// <summary>Speculative aborted, then classic.</summary>
    public long Fallbacks;

    /// <summary>Fallbacks that reused the speculative attempt's VMA instead of find_vma (mmu-spf-v9).</summary>
    public long SpfVmaReused;

    /// <summary>Faults answered -EFAULT or -EACCES.</summary>
    public long Segv;

    /// <summary>Adds another thread's block to this one.</summary>
    public void Add(FaultCounters other)
    {
        Faults += Volatile.Read(ref other.Faults);
        SpfAttempts += Volatile.Read(ref other.SpfAttempts);
        SpfSuccess += Volatile.Read(ref other.SpfSuccess);
        for (var i = 0; i < SpfAborts.Length; i++)
            SpfAborts[i] += Volatile.Read(ref other.SpfAborts[i]);
        ClassicFaults += Volatile.Read(ref other.ClassicFaults);
        Fallbacks += Volatile.Read(ref other.Fallbacks);
        SpfVmaReused += Volatile.Read(ref other.SpfVmaReused);
        Segv += Volatile.Read(ref other.Segv);
    }
}
