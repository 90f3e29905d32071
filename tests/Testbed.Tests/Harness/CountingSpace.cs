// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Tests.Harness;

/// <summary>
/// An address space that runs nothing and allocates nothing: every mmap lands at
/// one address, every other operation succeeds, get_vma hands out a reference, a fork
/// hands out one child (the same each time) whose operations count as this one's.
/// Lets a spec measure what the harness itself keeps per operation.
/// </summary>
internal sealed class CountingSpace(ConfigInfo config, CountingSpace? parent = null) : IAddressSpace
{
    /// <summary>Where every mmap lands.</summary>
    public const ulong MmapAddress = 0x7f00_0000_0000;

    private CountingSpace? _child;
    private long _operations;

    /// <summary>Operations run, the child's included.</summary>
    public long Operations
    {
        get => parent?.Operations ?? _operations;
        private set
        {
            if (parent is null)
                _operations = value;
            else
                parent.Operations = value;
        }
    }

    public string Backend => "counting";

    public ConfigInfo Config => config;

    public long Execute(in Operation op)
    {
        Operations++;
        return op.Kind == OpKind.Mmap ? (long)MmapAddress : 0;
    }

    public long GetVma(ulong addr, out ulong reference, out VmaInfo info)
    {
        Operations++;
        reference = 1;
        info = default;
        return 0;
    }

    public long PutVma(ulong reference)
    {
        Operations++;
        return 0;
    }

    public void ExecuteBatch(ReadOnlySpan<Operation> ops, Span<long> results) => throw new NotSupportedException();

    public long Fork(out IAddressSpace? child)
    {
        Operations++;
        child = _child ??= new CountingSpace(config, this);
        return 0;
    }

    public long VmaRefInfo(ulong reference, out VmaInfo info) => throw new NotSupportedException();

    public IReadOnlyList<VmaInfo> Snapshot() => throw new NotSupportedException();

    public Stats GetStats() => throw new NotSupportedException();

    public int Validate() => throw new NotSupportedException();

    public IReadOnlyList<Violation> Violations() => throw new NotSupportedException();

    public void Trace(bool enable) => throw new NotSupportedException();

    public void Trace(TraceMode mode) => throw new NotSupportedException();

    public IReadOnlyList<LifecycleEvent> DrainEvents() => throw new NotSupportedException();

    public long InjectAllocFailure(CacheKind cache, ulong nth) => throw new NotSupportedException();

    public long SetThreads(uint threads) => throw new NotSupportedException();

    public long DebugLeakFile(int fd) => throw new NotSupportedException();

    public IReadOnlyList<Violation> Destroy() => [];

    public void Dispose()
    {
    }
}
