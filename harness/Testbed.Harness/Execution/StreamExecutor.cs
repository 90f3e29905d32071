// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Execution;

/// <summary>
/// Runs one thread's stream against an address space, one item at a time: keeps
/// the thread's get_vma references (FIFO) and the results earlier items produced
/// (for addresses only known at run time). Not thread-safe: one per thread.
/// </summary>
public sealed class StreamExecutor(IAddressSpace space, IReadOnlyList<WorkItem> stream)
{
    private readonly Queue<ulong> _refs = new();
    private readonly long[] _results = new long[stream.Count];

    /// <summary>The stream being run.</summary>
    public IReadOnlyList<WorkItem> Stream => stream;

    /// <summary>References taken and not yet put.</summary>
    public int HeldReferences => _refs.Count;

    /// <summary>
    /// The operation item <paramref name="index"/> will run, with a run-time address
    /// resolved from the earlier result it names.
    /// </summary>
    public Operation Resolve(int index)
    {
        var item = stream[index];
        if (item.AddrFrom < 0)
            return item.Op;
        var baseAddr = _results[item.AddrFrom];
        // A failed mmap has no address: use the bare offset, a low address below
        // mmap_min_addr where nothing is ever mapped.
        var addr = baseAddr < 0 ? item.Op.Addr : (ulong)baseAddr + item.Op.Addr;
        return item.Op with { Addr = addr };
    }

    /// <summary>Runs item <paramref name="index"/>.</summary>
    public StepOutcome Run(int index)
    {
        var op = Resolve(index);
        StepOutcome outcome;
        switch (op.Kind)
        {
            case OpKind.GetVma:
                var got = space.GetVma(op.Addr, out var reference, out var info);
                if (got >= 0)
                    _refs.Enqueue(reference);
                outcome = new StepOutcome(op, got, got >= 0 ? info : null);
                break;
            case OpKind.PutVma:
                // No reference held (the get_vma failed): nothing to put, as a
                // caller of the kernel API would not call put_vma either.
                outcome = _refs.TryDequeue(out var held)
                    ? new StepOutcome(op, space.PutVma(held), null)
                    : new StepOutcome(op, -Errno.ENOENT, null);
                break;
            default:
                outcome = new StepOutcome(op, space.Execute(op), null);
                break;
        }

        _results[index] = outcome.Result;
        return outcome;
    }

    /// <summary>Puts every reference still held (a stream cut short by a duration cap).</summary>
    public void PutAll()
    {
        while (_refs.TryDequeue(out var held))
            space.PutVma(held);
    }
}
