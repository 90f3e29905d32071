// SPDX-License-Identifier: GPL-2.0-only
// The fault counters of struct tb_stats, kept in the mm like the native api layer does.
using Testbed.Contract;

namespace Testbed.Managed.Mm;

/// <summary>Fault statistics; every field is updated with Interlocked.</summary>
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

    /// <summary>Faults answered -EFAULT or -EACCES.</summary>
    public long Segv;
}
