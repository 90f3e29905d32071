// SPDX-License-Identifier: GPL-2.0-only
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;

namespace Testbed.Benchmarks;

/// <summary>
/// Question 3, part 1: the cost of one write fault on an already populated page, per fault,
/// through the contract. mmu takes mmap_sem for read and walks the rbtree (classic path);
/// mmu-spf takes the speculative path (get_vma under mm_rb_lock read + refcount, vm_sequence
/// checks, put_vma). Native rows call libtestbed-&lt;config&gt;.so through P/Invoke; managed rows
/// run the C# port of the same design. Baseline: native mmu.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FaultPathBenchmarks
{
    private const string Category = "fault on a populated page";

    private readonly ulong[] _targets = FaultLayout.TargetAddresses();
    private IAddressSpace _nativeMmu = null!;
    private IAddressSpace _nativeSpf = null!;
    private IAddressSpace _managedMmu = null!;
    private IAddressSpace _managedSpf = null!;
    private readonly Dictionary<IAddressSpace, Stats> _before = [];

    /// <summary>Builds the layout on all four backends and checks which path each fault takes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _nativeMmu = Open(new NativeAddressSpace("mmu"), FaultResult.Classic);
        _nativeSpf = Open(new NativeAddressSpace("mmu-spf"), FaultResult.Speculative);
        _managedMmu = Open(new ManagedAddressSpace("mmu"), FaultResult.Classic);
        _managedSpf = Open(new ManagedAddressSpace("mmu-spf"), FaultResult.Speculative);
    }

    private IAddressSpace Open(IAddressSpace space, FaultResult expected)
    {
        FaultLayout.Build(space);
        FaultLayout.RequireFaultPath(space, FaultFlags.Write, expected);
        _before[space] = space.GetStats();
        return space;
    }

    /// <summary>Checks that every measured fault succeeded on its intended path, then frees the mms.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (space, before) in _before)
        {
            FaultLayout.RequireClean(space, before);
            space.Dispose();
        }
        _before.Clear();
    }

    /// <summary>Native mmu (no SPF): classic fault under mmap_sem.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = FaultLayout.Targets)]
    [BenchmarkCategory(Category)]
    public long NativeMmu() => FaultAll(_nativeMmu);

    /// <summary>Native mmu-spf: speculative fault (get_vma/put_vma, seqcount).</summary>
    [Benchmark(OperationsPerInvoke = FaultLayout.Targets)]
    [BenchmarkCategory(Category)]
    public long NativeMmuSpf() => FaultAll(_nativeSpf);

    /// <summary>Managed port, mmu: classic fault under the C# rw_semaphore.</summary>
    [Benchmark(OperationsPerInvoke = FaultLayout.Targets)]
    [BenchmarkCategory(Category)]
    public long ManagedMmu() => FaultAll(_managedMmu);

    /// <summary>Managed port, mmu-spf: speculative fault.</summary>
    [Benchmark(OperationsPerInvoke = FaultLayout.Targets)]
    [BenchmarkCategory(Category)]
    public long ManagedMmuSpf() => FaultAll(_managedSpf);

    private long FaultAll(IAddressSpace space)
    {
        long sum = 0;
        foreach (var target in _targets)
            sum += space.Execute(Operation.Fault(target, FaultFlags.Write));
        return sum;
    }
}
