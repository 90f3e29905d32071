// SPDX-License-Identifier: GPL-2.0-only
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;

namespace Testbed.Benchmarks;

/// <summary>
/// Question 3, part 2: what the managed-to-native transition itself costs, per fault, on
/// libtestbed-mmu-spf.so. Rows: one raw P/Invoke (generated <see cref="MmuSpfApi"/>) per
/// fault (baseline); the same 64 faults through one tb_batch call; an empty transition
/// (tb_fault on the null handle, rejected with -EBADF before any lock); tb_get_config (no mm);
/// and the contract's <see cref="NativeAddressSpace"/> (SafeHandle lease, enum mapping) per
/// call and batched.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class InteropBenchmarks
{
    private const string Category = "interop (mmu-spf, per fault)";
    private const int N = FaultLayout.Targets;

    private readonly ulong[] _targets = FaultLayout.TargetAddresses();
    private TbMm _mm;
    private TbStats _rawBefore;
    private TbOp[] _ops = null!;
    private IAddressSpace _contract = null!;
    private Operation[] _contractOps = null!;
    private long[] _contractResults = null!;
    private Stats _contractBefore = null!;

    /// <summary>Creates a raw mm and a contract mm, builds the layout on both and checks every call's result once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TbMm mm;
        Check.Equal(0, MmuSpfApi.MmCreate(0, &mm), "tb_mm_create");
        Check.Equal(0, MmuSpfApi.MmSetThreads(mm, 2), "tb_mm_set_threads");
        _mm = mm;
        FaultLayout.Build(RawExecute, "raw mmu-spf");

        _ops = GC.AllocateArray<TbOp>(N, pinned: true);
        for (var i = 0; i < N; i++)
            _ops[i] = new TbOp { Kind = (uint)OpKind.Fault, Flags = (uint)FaultFlags.Write, Addr = _targets[i] };

        Check.Equal(N * (long)FaultResult.Speculative, RawFaultPerCall(), "raw tb_fault (sum of 64 results)");
        Check.Equal(N, BatchCall(), "tb_batch return");
        foreach (var op in _ops)
            Check.Equal((long)FaultResult.Speculative, op.Result, $"tb_batch fault 0x{op.Addr:x}");
        Check.Equal(-Errno.EBADF, MmuSpfApi.Fault(default, _targets[0], (uint)FaultFlags.Write), "tb_fault(NULL handle)");
        TbConfigInfo info;
        Check.Equal(0, MmuSpfApi.GetConfig(&info), "tb_get_config");
        Check.Equal(1, info.Spf, "tb_get_config spf");
        TbStats before;
        Check.Equal(0, MmuSpfApi.Stats(_mm, &before), "tb_stats");
        _rawBefore = before;

        _contract = new NativeAddressSpace("mmu-spf");
        FaultLayout.Build(_contract);
        FaultLayout.RequireFaultPath(_contract, FaultFlags.Write, FaultResult.Speculative);
        _contractOps = [.. _targets.Select(t => Operation.Fault(t, FaultFlags.Write))];
        _contractResults = new long[N];
        _contractBefore = _contract.GetStats();
    }

    /// <summary>Checks that the raw mm's faults all stayed speculative and successful, then frees both mms.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        TbStats stats;
        Check.Equal(0, MmuSpfApi.Stats(_mm, &stats), "tb_stats");
        Check.Equal((long)_rawBefore.Segv, (long)stats.Segv, "raw mm: faults answered SIGSEGV during the run");
        Check.Equal((long)_rawBefore.Fallbacks, (long)stats.Fallbacks, "raw mm: speculative faults fell back during the run");
        Check.Equal(0, MmuSpfApi.Validate(_mm), "raw mm: tb_validate");
        Check.Equal(0, MmuSpfApi.MmDestroy(_mm), "tb_mm_destroy");
        FaultLayout.RequireClean(_contract, _contractBefore);
        _contract.Dispose();
    }

    /// <summary>One generated LibraryImport call to tb_fault per fault.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long RawFaultPerCall()
    {
        long sum = 0;
        var mm = _mm;
        foreach (var target in _targets)
            sum += MmuSpfApi.Fault(mm, target, (uint)FaultFlags.Write);
        return sum;
    }

    /// <summary>The same 64 faults in one tb_batch call.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long RawBatch64() => BatchCall();

    private long BatchCall()
    {
        fixed (TbOp* ops = _ops)
            return MmuSpfApi.Batch(_mm, ops, N);
    }

    /// <summary>The bare transition: tb_fault on the null handle returns -EBADF at once.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long RawEmptyTransition()
    {
        long sum = 0;
        foreach (var target in _targets)
            sum += MmuSpfApi.Fault(default, target, (uint)FaultFlags.Write);
        return sum;
    }

    /// <summary>A trivial entry point with an out struct and no mm: tb_get_config.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long RawGetConfig()
    {
        long sum = 0;
        TbConfigInfo info;
        for (var i = 0; i < N; i++)
            sum += MmuSpfApi.GetConfig(&info);
        return sum;
    }

    /// <summary>The contract's NativeAddressSpace.Execute, one call per fault.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long ContractFaultPerCall()
    {
        long sum = 0;
        foreach (var op in _contractOps)
            sum += _contract.Execute(op);
        return sum;
    }

    /// <summary>The contract's NativeAddressSpace.ExecuteBatch, 64 faults in one call.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Category)]
    public long ContractBatch64()
    {
        _contract.ExecuteBatch(_contractOps, _contractResults);
        return _contractResults[N - 1];
    }

    private long RawExecute(Operation op) => op.Kind switch
    {
        OpKind.Mmap => MmuSpfApi.Mmap(_mm, op.Addr, op.Len, (uint)op.Prot, op.Flags, op.Fd, op.PgOff),
        OpKind.Fault => MmuSpfApi.Fault(_mm, op.Addr, op.Flags),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "layout uses mmap and fault only"),
    };
}
