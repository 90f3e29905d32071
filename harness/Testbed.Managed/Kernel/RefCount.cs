// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/atomic.h and refcount.h: atomic read-modify-writes that call
// the scheduling hook, and refcounts that warn on increment-from-zero and underflow.
using System.Runtime.CompilerServices;
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>refcount_t / a checked atomic_t used as a reference count.</summary>
internal struct RefCount
{
    private int count;

    /// <summary>refcount_set / atomic_set.</summary>
    public void Set(int value) => Volatile.Write(ref count, value);

    /// <summary>refcount_read / atomic_read.</summary>
    public readonly int Read() => Volatile.Read(ref Unsafe.AsRef(in count));

    /// <summary>refcount_inc: returns the count after; warns when it was zero (use after free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Inc(object? owner, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        SchedHook.Sched(SchedPoint.Atomic, owner);
        var after = Interlocked.Increment(ref count);
        if (after == 1)
            Bug.Record(site, line, "refcount_t: increment on 0; use-after-free");
        return after;
    }

    /// <summary>refcount_inc_not_zero: false (and no change) when the count is zero.</summary>
    public bool IncNotZero(object? owner)
    {
        SchedHook.Sched(SchedPoint.Atomic, owner);
        var c = Volatile.Read(ref count);
        while (c > 0)
        {
            var seen = Interlocked.CompareExchange(ref count, c + 1, c);
            if (seen == c)
                return true;
            c = seen;
        }
        return false;
    }

    /// <summary>refcount_dec_and_test: the count after (negative after an underflow, which warns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Dec(object? owner, [CallerMemberName] string site = "", [CallerLineNumber] int line = 0)
    {
        SchedHook.Sched(SchedPoint.Atomic, owner);
        var after = Interlocked.Decrement(ref count);
        if (after < 0)
            Bug.Record(site, line, "refcount_t: underflow; use-after-free");
        return after;
    }
}
