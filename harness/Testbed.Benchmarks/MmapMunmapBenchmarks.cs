// SPDX-License-Identifier: GPL-2.0-only
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;

namespace Testbed.Benchmarks;

/// <summary>
/// Question 3, part 4: the writer side. One mmap (get_unmapped_area top-down, vma_link:
/// rbtree insert, under mm_rb_lock write on mmu-spf) plus one munmap (detach, rbtree erase
/// under mm_rb_lock write, then the tree's reference dropped: put_vma on mmu-spf, a plain
/// free on mmu) of a one-page read+exec anonymous mapping into the
/// <see cref="FaultLayout"/> tree of 128 VMAs. Its protections differ from every
/// neighbour's, so it never merges: each pair really inserts and erases a node. Baseline:
/// native mmu.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MmapMunmapBenchmarks
{
    private const string Category = "mmap+munmap pair";
    private const ulong Len = 4096;
    private static readonly Operation Map = Operation.Mmap(0, Len, Prot.Read | Prot.Exec, MapFlags.Private | MapFlags.Anonymous);

    private IAddressSpace _nativeMmu = null!;
    private IAddressSpace _nativeSpf = null!;
    private IAddressSpace _managedMmu = null!;
    private IAddressSpace _managedSpf = null!;
    private readonly Dictionary<IAddressSpace, Stats> _before = [];

    /// <summary>Builds the layout on all four backends and checks one pair on each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _nativeMmu = Open(new NativeAddressSpace("mmu"));
        _nativeSpf = Open(new NativeAddressSpace("mmu-spf"));
        _managedMmu = Open(new ManagedAddressSpace("mmu"));
        _managedSpf = Open(new ManagedAddressSpace("mmu-spf"));
    }

    private IAddressSpace Open(IAddressSpace space)
    {
        var who = $"{space.Backend} {space.Config.Name}";
        FaultLayout.Build(space);
        var addr = space.Execute(Map);
        Check.True(addr > 0 && addr % (long)Len == 0, $"{who}: {Map} answered {addr}");
        Check.Equal(FaultLayout.Regions + 1, (long)space.GetStats().MapCount, $"{who}: map_count after mmap (merged?)");
        Check.Equal(0, space.Execute(Operation.Munmap((ulong)addr, Len)), $"{who}: munmap(0x{addr:x})");
        Check.Equal(1, Pair(space), $"{who}: mmap+munmap pair");
        _before[space] = space.GetStats();
        return space;
    }

    /// <summary>Checks that the tree is back to its setup shape and valid, then frees the mms.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (space, before) in _before)
        {
            FaultLayout.RequireClean(space, before);
            Check.Equal((long)before.LiveVmas, (long)space.GetStats().LiveVmas, $"{space.Backend} {space.Config.Name}: live VMAs after the run");
            space.Dispose();
        }
        _before.Clear();
    }

    /// <summary>Native mmu: tree writes under mmap_sem only.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Category)]
    public long NativeMmu() => Pair(_nativeMmu);

    /// <summary>Native mmu-spf: tree writes also under mm_rb_lock, VMA freed through put_vma.</summary>
    [Benchmark]
    [BenchmarkCategory(Category)]
    public long NativeMmuSpf() => Pair(_nativeSpf);

    /// <summary>Managed port, mmu.</summary>
    [Benchmark]
    [BenchmarkCategory(Category)]
    public long ManagedMmu() => Pair(_managedMmu);

    /// <summary>Managed port, mmu-spf.</summary>
    [Benchmark]
    [BenchmarkCategory(Category)]
    public long ManagedMmuSpf() => Pair(_managedSpf);

    /// <summary>1 when both calls succeeded.</summary>
    private static long Pair(IAddressSpace space)
    {
        var addr = space.Execute(Map);
        return addr > 0 && space.Execute(Operation.Munmap((ulong)addr, Len)) == 0 ? 1 : 0;
    }
}
