// SPDX-License-Identifier: GPL-2.0-only
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Testbed.Managed;

namespace Testbed.Benchmarks;

/// <summary>
/// Question 3, part 3: the SPF lookup protocol against the classic one inside the SAME
/// mmu-spf build, per lookup. Baseline: a fault with TB_FAULT_NO_SPECULATIVE (down_read
/// mmap_sem, find_vma, page present, up_read). Against it: the speculative fault (get_vma
/// under mm_rb_lock read + vm_ref_count, vm_sequence read and re-check, put_vma), and an
/// explicit tb_get_vma + tb_put_vma pair (two calls, a reference-table slot, the VMA info
/// filled under mmap_sem). One category per backend, so each ratio compares like with like.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class VmaLookupBenchmarks
{
    private const string Native = "lookup, native mmu-spf";
    private const string Managed = "lookup, managed mmu-spf";
    private const int N = FaultLayout.Targets;

    private readonly ulong[] _targets = FaultLayout.TargetAddresses();
    private IAddressSpace _native = null!;
    private IAddressSpace _managed = null!;
    private Stats _nativeBefore = null!;
    private Stats _managedBefore = null!;
    private TbMm _raw;

    /// <summary>Builds the layout on both backends and a raw mm, and checks each lookup kind once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _native = Open(new NativeAddressSpace("mmu-spf"), out _nativeBefore);
        _managed = Open(new ManagedAddressSpace("mmu-spf"), out _managedBefore);

        TbMm mm;
        Check.Equal(0, MmuSpfApi.MmCreate(0, &mm), "tb_mm_create");
        Check.Equal(0, MmuSpfApi.MmSetThreads(mm, 2), "tb_mm_set_threads");
        _raw = mm;
        FaultLayout.Build(RawExecute, "raw mmu-spf");
        Check.Equal(N, RawGetPutVma(), "raw get_vma/put_vma pairs");
    }

    private IAddressSpace Open(IAddressSpace space, out Stats before)
    {
        FaultLayout.Build(space);
        FaultLayout.RequireFaultPath(space, FaultFlags.Write | FaultFlags.NoSpeculative, FaultResult.Classic);
        FaultLayout.RequireFaultPath(space, FaultFlags.Write, FaultResult.Speculative);
        var first = FaultLayout.Target(0);
        Check.Equal(0, space.GetVma(first, out var reference, out var info), $"{space.Backend}: get_vma");
        Check.True(info.Start < first && first < info.End && info.RefCount == 2,
            $"{space.Backend}: get_vma(0x{first:x}) found [0x{info.Start:x}, 0x{info.End:x}) ref_count {info.RefCount}");
        Check.Equal(0, space.PutVma(reference), $"{space.Backend}: put_vma");
        before = space.GetStats();
        return space;
    }

    /// <summary>Checks that nothing failed or leaked a reference during the run, then frees the mms.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        FaultLayout.RequireClean(_native, _nativeBefore);
        FaultLayout.RequireClean(_managed, _managedBefore);
        _native.Dispose();
        _managed.Dispose();
        Check.Equal(0, MmuSpfApi.Validate(_raw), "raw mm: tb_validate");
        Check.Equal(0, MmuSpfApi.MmDestroy(_raw), "tb_mm_destroy");
    }

    /// <summary>Native: classic fault (mmap_sem read + find_vma) on the mmu-spf build.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    [BenchmarkCategory(Native)]
    public long NativeClassicFault() => FaultAll(_native, FaultFlags.Write | FaultFlags.NoSpeculative);

    /// <summary>Native: speculative fault (get_vma/put_vma inside the library).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Native)]
    public long NativeSpeculativeFault() => FaultAll(_native, FaultFlags.Write);

    /// <summary>Native: tb_get_vma + tb_put_vma through the contract.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Native)]
    public long NativeGetPutVma() => GetPutAll(_native);

    /// <summary>Native: tb_get_vma + tb_put_vma through the raw generated bindings.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Native)]
    public long RawGetPutVma()
    {
        long ok = 0;
        ulong reference;
        TbVmaInfo info;
        foreach (var target in _targets)
        {
            if (MmuSpfApi.GetVma(_raw, target, &reference, &info) == 0)
                ok += MmuSpfApi.PutVma(_raw, reference) == 0 ? 1 : 0;
        }
        return ok;
    }

    /// <summary>Managed: classic fault (rw_semaphore read + find_vma).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    [BenchmarkCategory(Managed)]
    public long ManagedClassicFault() => FaultAll(_managed, FaultFlags.Write | FaultFlags.NoSpeculative);

    /// <summary>Managed: speculative fault.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Managed)]
    public long ManagedSpeculativeFault() => FaultAll(_managed, FaultFlags.Write);

    /// <summary>Managed: GetVma + PutVma through the contract.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    [BenchmarkCategory(Managed)]
    public long ManagedGetPutVma() => GetPutAll(_managed);

    private long RawExecute(Operation op) => op.Kind switch
    {
        OpKind.Mmap => MmuSpfApi.Mmap(_raw, op.Addr, op.Len, (uint)op.Prot, op.Flags, op.Fd, op.PgOff),
        OpKind.Fault => MmuSpfApi.Fault(_raw, op.Addr, op.Flags),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "layout uses mmap and fault only"),
    };

    private long FaultAll(IAddressSpace space, FaultFlags flags)
    {
        long sum = 0;
        foreach (var target in _targets)
            sum += space.Execute(Operation.Fault(target, flags));
        return sum;
    }

    private long GetPutAll(IAddressSpace space)
    {
        long ok = 0;
        foreach (var target in _targets)
        {
            if (space.GetVma(target, out var reference, out _) == 0)
                ok += space.PutVma(reference) == 0 ? 1 : 0;
        }
        return ok;
    }
}
