// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Bench;

/// <summary>
/// One operation of a bench stream. Most are absolute (<see cref="Op"/> runs as it is); one
/// addressed <see cref="InMapping"/> gives its address as an offset into the mapping its
/// thread's last mmap returned, as the benchmarks fault and unmap what <c>mmap(NULL, ...)</c>
/// gave them. <see cref="StreamCursor"/> turns it into the operation a backend runs.
/// </summary>
/// <param name="Op">The operation; for <paramref name="InMapping"/>, its address is the offset.</param>
/// <param name="InMapping">Whether <see cref="Operation.Addr"/> is relative to the thread's last mmap result.</param>
public readonly record struct BenchOp(Operation Op, bool InMapping)
{
    /// <summary>The operation's kind (the same whether addressed absolutely or in the mapping).</summary>
    public OpKind Kind => Op.Kind;

    /// <summary>An operation that runs as it is.</summary>
    public static BenchOp At(Operation op) => new(op, false);

    /// <summary><paramref name="op"/> with its address an offset into the thread's last mapping.</summary>
    public static BenchOp Mapped(Operation op) => new(op, true);

    public override string ToString() => InMapping ? $"{Op} in the last mapping" : Op.ToString();
}
