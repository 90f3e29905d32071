// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Perf;

/// <summary>
/// The lines one fault writes, per design and fault shape, on both backends, held to the
/// values docs/design-study.md states and explains ("What one fault writes"). Each shape is
/// the steady-state fault of a bench workload, run in a two-thread mm (so the SPF designs
/// try their speculative path) by one caller (so nothing races and the counts are exact),
/// with the page-table page already there.
/// </summary>
[Collection(CountsCollection.Name)]
public sealed class FaultLineCountSpecs
{
    private const ulong Page = 4096;
    private const ulong Base = 0x10000000;
    private const int Faults = 8;

    /// <summary>A fault shape: the bench workload it is the steady state of.</summary>
    public enum Shape
    {
        /// <summary>single-vma: a read fault on a populated page of an anonymous VMA.</summary>
        PopulatedRead,

        /// <summary>page-fault1, ebizzy: a write fault on a new page of an anonymous VMA with its anon_vma.</summary>
        AnonWrite,

        /// <summary>malloc1: the first write fault of a fresh anonymous VMA (no anon_vma yet).</summary>
        AnonFirstTouch,

        /// <summary>page-fault2: a write fault on a private file mapping (anon_vma already there).</summary>
        FilePrivateWrite,

        /// <summary>page-fault3: a write fault on a shared file mapping.</summary>
        FileSharedWrite,
    }

    /// <summary>Expected writes per fault: mmap_sem, mm_rb_lock, page_table_lock (the mm-wide three), split PTE lock.</summary>
    public sealed record Lines(int MmapSem, int MmRbLock, int PageTableLock, int Ptl);

    public static TheoryData<string, string, Shape, int, int, int, int> Expected()
    {
        var data = new TheoryData<string, string, Shape, int, int, int, int>();
        foreach (var backend in new[] { "native", "managed" })
        {
            // mmu: every fault takes mmap_sem for read (down_read + up_read) and the page's PTE lock.
            Add(data, backend, "mmu", Shape.PopulatedRead, new(2, 0, 0, 2));
            Add(data, backend, "mmu", Shape.AnonWrite, new(2, 0, 0, 2));
            Add(data, backend, "mmu", Shape.AnonFirstTouch, new(2, 0, 2, 2));
            Add(data, backend, "mmu", Shape.FilePrivateWrite, new(2, 0, 0, 2));
            Add(data, backend, "mmu", Shape.FileSharedWrite, new(2, 0, 0, 2));
            // The lockless designs find the VMA without mmap_sem; an anonymous VMA with its
            // anon_vma is then handled without it; a VMA without one, or with vm_ops (a file),
            // gives up after the walk and pays the classic path on top. mmu-spf walks mm_rb
            // under mm_rb_lock (read lock + unlock); the RCU designs walk the maple tree (mm_mt)
            // under RCU alone and write no mm-wide line for it.
            foreach (var (config, rb) in new[] { ("mmu-spf", 2), ("mmu-spf-rcu", 0), ("mmu-pvl", 0), ("mmu-vmrefcnt", 0), ("mmu-spf-v9", 2) })
            {
                Add(data, backend, config, Shape.PopulatedRead, new(0, rb, 0, 2));
                Add(data, backend, config, Shape.AnonWrite, new(0, rb, 0, 2));
                Add(data, backend, config, Shape.AnonFirstTouch, new(2, rb, 2, 2));
                Add(data, backend, config, Shape.FilePrivateWrite, new(2, rb, 0, 2));
                Add(data, backend, config, Shape.FileSharedWrite, new(2, rb, 0, 2));
            }
        }
        return data;
    }

    private static void Add(TheoryData<string, string, Shape, int, int, int, int> data, string backend, string config, Shape shape, Lines l) =>
        data.Add(backend, config, shape, l.MmapSem, l.MmRbLock, l.PageTableLock, l.Ptl);

    [Theory]
    [MemberData(nameof(Expected))]
    public void A_fault_writes_the_mm_wide_lines_its_design_takes_and_no_other(
        string backend, string config, Shape shape, int mmapSem, int mmRbLock, int pageTableLock, int ptl)
    {
        var expected = new Lines(mmapSem, mmRbLock, pageTableLock, ptl);
        Lines actual;
        if (backend == "native")
        {
            using var mm = new NativeAddressSpace(config);
            var faults = Prepare(mm, shape);
            var before = NativeFaultCounts(config);
            Run(mm, faults);
            var after = NativeFaultCounts(config);
            Assert.Equal((ulong)faults.Count, after.Ops - before.Ops);
            actual = PerFault(faults.Count, after.MmapSemWrites - before.MmapSemWrites, after.MmRbLockWrites - before.MmRbLockWrites,
                after.PageTableLockWrites - before.PageTableLockWrites, after.PtlWrites - before.PtlWrites);
        }
        else
        {
            using var mm = new ManagedAddressSpace(config);
            var faults = Prepare(mm, shape);
            var counts = mm.CountFaultLines(() => Run(mm, faults));
            actual = PerFault(faults.Count, (ulong)counts.MmapSem, (ulong)counts.MmRbLock, (ulong)counts.PageTableLock, (ulong)counts.Ptl);
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("mmu")]
    [InlineData("mmu-spf")]
    [InlineData("mmu-spf-rcu")]
    [InlineData("mmu-pvl")]
    [InlineData("mmu-vmrefcnt")]
    [InlineData("mmu-spf-v9")]
    public void The_fault_statistics_write_no_line_of_the_mm(string config)
    {
        using var mm = new NativeAddressSpace(config);
        var faults = Prepare(mm, Shape.AnonWrite);
        var before = NativeFaultCounts(config);
        Run(mm, faults);
        var after = NativeFaultCounts(config);

        // What is left in the testbed's column is the checked flavour's own: the validate pins
        // (pins_started, pins_inflight up and down), which the perf flavour compiles out. The
        // statistics are per thread, and still exact: the setup's faults and these.
        Assert.Equal(3UL * (ulong)faults.Count, after.TestbedWrites - before.TestbedWrites);
        Assert.Equal((ulong)(2 * Faults + 1), mm.GetStats().Faults);
    }

    private static Lines PerFault(int faults, ulong mmapSem, ulong mmRbLock, ulong pageTableLock, ulong ptl)
    {
        int Per(ulong writes)
        {
            Assert.True(writes % (ulong)faults == 0, $"{writes} writes over {faults} faults");
            return (int)(writes / (ulong)faults);
        }
        return new Lines(Per(mmapSem), Per(mmRbLock), Per(pageTableLock), Per(ptl));
    }

    // Maps the shape's VMA inside the 2 MiB of an already populated VMA (so the page-table page
    // exists) and returns the faults to count.
    private static IReadOnlyList<Operation> Prepare(IAddressSpace mm, Shape shape)
    {
        Assert.Equal(0, mm.SetThreads(2));
        const MapFlags fixedAnon = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;
        const Prot rw = Prot.Read | Prot.Write;
        Ok(mm.Execute(Operation.Mmap(Base, Faults * Page, rw, fixedAnon)));
        for (var i = 0UL; i < Faults; i++)
            Ok(mm.Execute(Operation.Fault(Base + i * Page, FaultFlags.Write)));
        var at = Base + 64 * Page;
        switch (shape)
        {
            case Shape.PopulatedRead:
                return Pages(Base, FaultFlags.Read);
            case Shape.AnonWrite:
                Ok(mm.Execute(Operation.Mmap(at, (Faults + 1) * Page, rw, fixedAnon)));
                Ok(mm.Execute(Operation.Fault(at + Faults * Page, FaultFlags.Write)));
                return Pages(at, FaultFlags.Write);
            case Shape.AnonFirstTouch:
                // One-page VMAs with a hole between them: each its own VMA, none with an anon_vma.
                for (var i = 0UL; i < Faults; i++)
                    Ok(mm.Execute(Operation.Mmap(at + 2 * i * Page, Page, rw, fixedAnon)));
                return [.. Enumerable.Range(0, Faults).Select(i => Operation.Fault(at + 2 * (ulong)i * Page, FaultFlags.Write))];
            case Shape.FilePrivateWrite:
            case Shape.FileSharedWrite:
                var fd = (int)Ok(mm.Execute(Operation.FileOpen((Faults + 1) * Page, FileFlags.None)));
                var flags = MapFlags.Fixed | (shape == Shape.FilePrivateWrite ? MapFlags.Private : MapFlags.Shared);
                Ok(mm.Execute(Operation.Mmap(at, (Faults + 1) * Page, rw, flags, fd)));
                Ok(mm.Execute(Operation.Fault(at + Faults * Page, FaultFlags.Write)));
                return Pages(at, FaultFlags.Write);
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
    }

    private static Operation[] Pages(ulong start, FaultFlags flags) =>
        [.. Enumerable.Range(0, Faults).Select(i => Operation.Fault(start + (ulong)i * Page, flags))];

    private static void Run(IAddressSpace mm, IReadOnlyList<Operation> faults)
    {
        foreach (var f in faults)
            Ok(mm.Execute(f));
    }

    private static long Ok(long result)
    {
        Assert.True(result >= 0, $"operation failed: {result}");
        return result;
    }

    private static TbOpCounts NativeFaultCounts(string config) => config switch
    {
        "mmu" => NativeConfigs.Counts<MmuApi>(OpKind.Fault),
        "mmu-spf" => NativeConfigs.Counts<MmuSpfApi>(OpKind.Fault),
        "mmu-spf-rcu" => NativeConfigs.Counts<MmuSpfRcuApi>(OpKind.Fault),
        "mmu-pvl" => NativeConfigs.Counts<MmuPvlApi>(OpKind.Fault),
        "mmu-vmrefcnt" => NativeConfigs.Counts<MmuVmrefcntApi>(OpKind.Fault),
        "mmu-spf-v9" => NativeConfigs.Counts<MmuSpfV9Api>(OpKind.Fault),
        _ => throw new ArgumentOutOfRangeException(nameof(config)),
    };
}
