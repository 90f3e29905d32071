// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Execution;

/// <summary>
/// Runs one thread's stream against an address space, one item at a time, in
/// stream order: keeps the thread's get_vma references (FIFO) and the results of
/// the earlier items later ones still name (<see cref="WorkItem.Named"/>, for
/// addresses only known at run time), dropped at their last use, so its memory is
/// bounded by the stream's live mappings, not its length. Not thread-safe: one per thread.
/// </summary>
public sealed class StreamExecutor(IAddressSpace space)
{
    private readonly Queue<ulong> _refs = new();
    private readonly Dictionary<int, long> _named = [];
    private readonly List<Violation> _childTeardowns = [];
    private long _position;

    /// <summary>The child of the stream's latest successful fork, until the next fork or <see cref="PutAll"/>.</summary>
    public IAddressSpace? Child { get; private set; }

    /// <summary>What the teardowns of the children destroyed so far recorded.</summary>
    public IReadOnlyList<Violation> ChildTeardownViolations => _childTeardowns;

    /// <summary>References taken and not yet put.</summary>
    public int HeldReferences => _refs.Count;

    /// <summary>Results kept for later items to name.</summary>
    public int KeptResults => _named.Count;

    /// <summary>Items run so far: the index of the next one.</summary>
    public long Position => _position;

    /// <summary>
    /// The operation <paramref name="item"/>, the next item of the stream, will
    /// run, with a run-time address resolved from the earlier result it names.
    /// </summary>
    public Operation Resolve(in WorkItem item)
    {
        if (item.AddrFrom < 0)
            return item.Op;
        if (!_named.TryGetValue(item.AddrFrom, out var baseAddr))
            throw new InvalidOperationException($"item {_position} names item {item.AddrFrom}, which is not a live named result");
        // A failed mmap has no address: use the bare offset, a low address below
        // mmap_min_addr where nothing is ever mapped.
        var addr = baseAddr < 0 ? item.Op.Addr : (ulong)baseAddr + item.Op.Addr;
        return item.Op with { Addr = addr };
    }

    /// <summary>Runs <paramref name="item"/>, the next item of the stream.</summary>
    public StepOutcome Run(in WorkItem item)
    {
        var op = Resolve(item);
        StepOutcome outcome;
        switch (op.Kind)
        {
            case OpKind.Fork:
                DropChild();
                outcome = new StepOutcome(op, space.Fork(out var child), null);
                Child = child;
                break;
            case var _ when item.OnChild:
                // No child (the fork failed, or none yet): nothing to run on.
                outcome = new StepOutcome(op, Child is { } c ? c.Execute(op) : -Errno.ENOENT, null);
                break;
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

        if (item.Named)
            _named[checked((int)_position)] = outcome.Result;
        if (item.LastUse)
            _named.Remove(item.AddrFrom);
        _position++;
        return outcome;
    }

    /// <summary>Puts every reference still held (a stream cut short by a duration cap) and destroys the fork child.</summary>
    public void PutAll()
    {
        while (_refs.TryDequeue(out var held))
            space.PutVma(held);
        DropChild();
    }

    private void DropChild()
    {
        if (Child is null)
            return;
        _childTeardowns.AddRange(Child.Destroy());
        Child = null;
    }
}
