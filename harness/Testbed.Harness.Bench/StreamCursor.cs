// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Bench;

/// <summary>
/// One thread's place in its bench stream: the address its last mmap returned, against which
/// the operations addressed <see cref="BenchOp.InMapping"/> resolve. The stream is a pure
/// function of (workload, seed, thread, iterations); the addresses come from the model's own
/// get_unmapped_area at run time, so every backend resolves the same operations as long as
/// they place alike (the differential checks that they do). One cursor per thread, used by
/// that thread only.
/// </summary>
public sealed class StreamCursor
{
    /// <summary>
    /// Where operations resolve before a mapping exists or after an mmap failed: above every
    /// config's TASK_SIZE, so each of them fails (counted) instead of touching another
    /// thread's mapping.
    /// </summary>
    public const ulong NoMapping = 1UL << 63;

    /// <summary>The address the thread's last successful mmap returned, or <see cref="NoMapping"/>.</summary>
    public ulong Mapping { get; private set; } = NoMapping;

    /// <summary>The operation a backend runs for <paramref name="op"/>.</summary>
    public Operation Resolve(in BenchOp op) =>
        op.InMapping ? op.Op with { Addr = Mapping + op.Op.Addr } : op.Op;

    /// <summary>Records the result of <paramref name="op"/> (an mmap's sets the mapping).</summary>
    public void Completed(in Operation op, long result)
    {
        if (op.Kind == OpKind.Mmap)
            Mapping = result >= 0 ? (ulong)result : NoMapping;
    }

    /// <summary>Resolves and runs <paramref name="op"/> on <paramref name="space"/>; returns the result and the operation run.</summary>
    public long Execute(IAddressSpace space, in BenchOp op, out Operation ran)
    {
        ArgumentNullException.ThrowIfNull(space);
        ran = Resolve(op);
        var result = space.Execute(ran);
        Completed(ran, result);
        return result;
    }

    /// <summary>
    /// Resolves the longest prefix of <paramref name="ops"/> that one batch can run into
    /// <paramref name="into"/>: up to and including the first mmap, whose result the
    /// operations after it may need. Returns how many (at least one when both are non-empty).
    /// </summary>
    public int ResolveBatch(ReadOnlySpan<BenchOp> ops, Span<Operation> into)
    {
        var n = Math.Min(ops.Length, into.Length);
        for (var i = 0; i < n; i++)
        {
            into[i] = Resolve(ops[i]);
            if (ops[i].Kind == OpKind.Mmap)
                return i + 1;
        }
        return n;
    }

    /// <summary>Records the results of a batch <see cref="ResolveBatch"/> resolved.</summary>
    public void CompletedBatch(ReadOnlySpan<Operation> ops, ReadOnlySpan<long> results)
    {
        for (var i = 0; i < ops.Length; i++)
            Completed(ops[i], results[i]);
    }
}
