// SPDX-License-Identifier: GPL-2.0-only
using System.Buffers;
using Testbed.Contract;
using Testbed.Interop;

namespace Testbed.Harness.Backends;

/// <summary>
/// <see cref="NativeAddressSpace"/> for one config's API type: calls go straight to the
/// generated LibraryImport stubs of <typeparamref name="TApi"/>, with the mm handle leased
/// per call so Dispose cannot race a running call.
/// </summary>
internal sealed unsafe class NativeAddressSpaceCore<TApi> : IAddressSpace where TApi : struct, ITestbedApi
{
    private const int StackOps = 64;

    private readonly NativeMm<TApi> _mm;

    public NativeAddressSpaceCore(MmFlags flags)
    {
        Config = NativeRecords.ToConfig(NativeConfigs.GetConfig<TApi>());
        _mm = NativeMm<TApi>.Create((uint)flags);
    }

    private NativeAddressSpaceCore(NativeMm<TApi> mm, ConfigInfo config)
    {
        Config = config;
        _mm = mm;
    }

    public string Backend => "native";

    public ConfigInfo Config { get; }

    public long Execute(in Operation op)
    {
        switch (op.Kind)
        {
            case OpKind.Mmap:
                return _mm.TryMmap(op.Addr, op.Len, (Prot)op.Prot, (MapFlags)op.Flags, op.Fd, op.PgOff);
            case OpKind.Munmap:
                return _mm.TryMunmap(op.Addr, op.Len);
            case OpKind.Mprotect:
                return _mm.TryMprotect(op.Addr, op.Len, (Prot)op.Prot);
            case OpKind.Mbind:
                return _mm.TryMbind(op.Addr, op.Len, (MpolMode)op.Flags);
            case OpKind.Fault:
                return _mm.TryFault(op.Addr, (FaultFlags)op.Flags);
            case OpKind.FileOpen:
                return _mm.TryFileOpen(op.Len, (FileFlags)op.Flags);
            case OpKind.FileClose:
                return _mm.TryFileClose(op.Fd);
            case OpKind.Madvise:
                return _mm.TryMadvise(op.Addr, op.Len, (MadviseAdvice)op.Flags);
            default:
                // Anything else is the native batch's to judge (it answers -EINVAL for kinds it does not run).
                Span<TbOp> one = [NativeRecords.ToOp(op)];
                var result = _mm.TryBatch(one);
                return result < 0 ? result : one[0].Result;
        }
    }

    public void ExecuteBatch(ReadOnlySpan<Operation> ops, Span<long> results)
    {
        if (results.Length < ops.Length)
            throw new ArgumentException($"results holds {results.Length} entries for {ops.Length} operations", nameof(results));
        TbOp[]? rented = null;
        var native = ops.Length <= StackOps
            ? stackalloc TbOp[StackOps]
            : (rented = ArrayPool<TbOp>.Shared.Rent(ops.Length));
        try
        {
            native = native[..ops.Length];
            for (var i = 0; i < ops.Length; i++)
                native[i] = NativeRecords.ToOp(ops[i]);
            var result = _mm.TryBatch(native);
            for (var i = 0; i < ops.Length; i++)
                results[i] = result < 0 ? result : native[i].Result;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<TbOp>.Shared.Return(rented);
        }
    }

    public long GetVma(ulong addr, out ulong reference, out VmaInfo info)
    {
        var result = _mm.TryGetVma(addr, out reference, out var native);
        info = result < 0 ? default : NativeRecords.ToVmaInfo(native);
        return result;
    }

    public long VmaRefInfo(ulong reference, out VmaInfo info)
    {
        var result = _mm.TryVmaRefInfo(reference, out var native);
        info = result < 0 ? default : NativeRecords.ToVmaInfo(native);
        return result;
    }

    public long PutVma(ulong reference) => _mm.TryPutVma(reference);

    public long Fork(out IAddressSpace? child)
    {
        var result = _mm.TryFork(out var mm);
        child = mm is null ? null : new NativeAddressSpaceCore<TApi>(mm, Config);
        return result;
    }

    public IReadOnlyList<VmaInfo> Snapshot() => ToRecords(_mm.Snapshot(), v => NativeRecords.ToVmaInfo(v));

    public Stats GetStats() => NativeRecords.ToStats(_mm.Stats());

    public int Validate() => _mm.TryValidate();

    public IReadOnlyList<Violation> Violations() => ToRecords(_mm.Violations(), v => NativeRecords.ToViolation(v));

    public void Trace(bool enable) => _mm.Trace(enable);

    public void Trace(TraceMode mode) => _mm.Trace(mode);

    public IReadOnlyList<LifecycleEvent> DrainEvents() => ToRecords(_mm.DrainEvents(), e => NativeRecords.ToEvent(e));

    public long InjectAllocFailure(CacheKind cache, ulong nth) => _mm.TryInjectAllocFailure((CacheKind)cache, nth);

    public long SetThreads(uint threads) => _mm.TrySetThreads(threads);

    public long DebugLeakFile(int fd) => _mm.TryDebugLeakFile(fd);

    public IReadOnlyList<Violation> Destroy() => ToRecords(_mm.Destroy(), v => NativeRecords.ToViolation(v));

    public void Dispose() => _mm.Dispose();

    /// <summary>The interop records the library returned, as the contract's records.</summary>
    private static TRecord[] ToRecords<TNative, TRecord>(IReadOnlyList<TNative> native, Func<TNative, TRecord> convert)
    {
        var list = new TRecord[native.Count];
        for (var i = 0; i < list.Length; i++)
            list[i] = convert(native[i]);
        return list;
    }
}
