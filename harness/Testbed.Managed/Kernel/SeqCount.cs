// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/seqlock.h: seqcount_t. Writers make the count odd while a
// change is in progress; readers sample it and re-check it before committing.
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>seqcount_t, held by value inside the object it protects.</summary>
internal struct SeqCount
{
    private int sequence;

    /// <summary>seqcount_init.</summary>
    public void Init() => Volatile.Write(ref sequence, 0);

    /// <summary>write_seqcount_begin / raw_write_seqcount_begin: odd, then a full barrier (smp_wmb).</summary>
    public void WriteBegin(object? owner)
    {
        SchedHook.Sched(SchedPoint.SeqBegin, owner);
        Interlocked.Increment(ref sequence);
    }

    /// <summary>write_seqcount_end / raw_write_seqcount_end: barrier, then even again.</summary>
    public void WriteEnd(object? owner)
    {
        Interlocked.Increment(ref sequence);
        SchedHook.Sched(SchedPoint.SeqEnd, owner);
    }

    /// <summary>raw_read_seqcount: the current count (odd means a writer is active); acquire.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RawRead(object? owner)
    {
        SchedHook.Sched(SchedPoint.SeqRead, owner);
        return Volatile.Read(ref sequence);
    }

    /// <summary>read_seqcount_retry: true when the count moved since <paramref name="start"/> (smp_rmb first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Retry(int start, object? owner)
    {
        SchedHook.Sched(SchedPoint.SeqRead, owner);
        // smp_rmb, which the C model makes an acquire fence: no read of the section may pass
        // the re-read of the count. The readers read the section's fields with Volatile.Read
        // (acquire), and no later access moves above an acquire read, so a plain acquire
        // read of the count orders it after them without the full fence's locked instruction.
        return Volatile.Read(ref sequence) != start;
    }

    /// <summary>The count, for reports.</summary>
    public readonly int Value => Volatile.Read(ref Unsafe.AsRef(in sequence));
}
