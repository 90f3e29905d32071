// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Reports;
using Testbed.Managed;
using ManagedFlavour = Testbed.Managed.Kernel.ManagedFlavour;
using Xunit;

namespace Testbed.Tests.Perf;

/// <summary>
/// The bench workloads, their counted costs and reports, on small bounded runs (operation
/// counts, never wall time).
/// </summary>
[Collection(CountsCollection.Name)]
public sealed class BenchSpecs
{
    public static TheoryData<string, string> WorkloadsAndConfigs()
    {
        var data = new TheoryData<string, string>();
        foreach (var w in BenchWorkloads.All)
        {
            foreach (var c in new[] { "mmu-spf", "mmu" })
                data.Add(w.Name(), c);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WorkloadsAndConfigs))]
    public void Every_workload_runs_without_a_failed_operation_on_both_backends_and_the_perf_library(string workload, string config)
    {
        var w = BenchWorkloads.Parse(workload);
        var spaces = new Func<IAddressSpace>[]
        {
            () => new NativeAddressSpace(config),
            () => new NativeAddressSpace(config, "perf"),
            () => new ManagedAddressSpace(config),
        };
        foreach (var create in spaces)
        {
            using var space = create();
            var plan = BenchPlan.Prepare(space, w, 7, 2, 2000);
            var (_, failed) = BenchRunner.Execute(space, plan);

            Assert.Equal(0, failed);
            Assert.Equal(0, space.Validate());
            Assert.Empty(space.Violations());
        }
    }

    [Fact]
    public void A_plan_is_the_same_for_every_backend_and_a_pure_function_of_its_seed()
    {
        using var native = new NativeAddressSpace("mmu-spf");
        using var managed = new ManagedAddressSpace("mmu-spf");
        var a = BenchPlan.Prepare(native, BenchWorkload.SingleVma, 3, 3, 5000);
        var b = BenchPlan.Prepare(managed, BenchWorkload.SingleVma, 3, 3, 5000);
        using var other = new ManagedAddressSpace("mmu-spf");
        var c = BenchPlan.Prepare(other, BenchWorkload.SingleVma, 4, 3, 5000);

        Assert.Equal(3, a.Streams.Count);
        for (var t = 0; t < 3; t++)
            Assert.Equal(a.Streams[t], b.Streams[t]);
        Assert.NotEqual(a.Streams[0], c.Streams[0]);
        Assert.Equal(5000 / BenchPlan.OpsPerIteration(BenchWorkload.SingleVma) * BenchPlan.OpsPerIteration(BenchWorkload.SingleVma), a.Streams[0].Length);
    }

    [Theory]
    [InlineData("malloc1", "mmu-spf")]
    [InlineData("malloc1", "mmu")]
    [InlineData("ebizzy", "mmu-spf")]
    public void Placed_streams_resolve_and_run_identically_on_both_backends(string workload, string config)
    {
        // The streams are the same; each thread's faults and munmap resolve against the address
        // its own mmap(NULL) returned, so both backends must place alike to run the same
        // operations: three threads in turn, one operation each, on each backend.
        var w = BenchWorkloads.Parse(workload);
        using var native = new NativeAddressSpace(config);
        using var managed = new ManagedAddressSpace(config);
        var runs = new List<(Operation Op, long Result)>[2];
        var spaces = new IAddressSpace[] { native, managed };
        for (var s = 0; s < 2; s++)
        {
            var plan = BenchPlan.Prepare(spaces[s], w, 5, 3, 4 * BenchPlan.OpsPerIteration(w));
            var cursors = plan.Streams.Select(_ => new StreamCursor()).ToArray();
            runs[s] = [];
            for (var i = 0; i < plan.Streams[0].Length; i++)
            {
                for (var t = 0; t < plan.Streams.Count; t++)
                {
                    var result = cursors[t].Execute(spaces[s], plan.Streams[t][i], out var ran);
                    runs[s].Add((ran, result));
                }
            }
        }

        Assert.Equal(runs[0], runs[1]);
        Assert.All(runs[0], r => Assert.True(r.Result >= 0, $"{r.Op} returned {r.Result}"));
        Assert.All(runs[0].Where(r => r.Op.Kind == OpKind.Mmap), r => Assert.True(BenchPlan.Placed(native.Config, r.Op, r.Result), $"{r.Op} at 0x{r.Result:x}"));
        Assert.Equal(native.Snapshot().Select(v => (v.Start, v.End, v.HasAnonVma)), managed.Snapshot().Select(v => (v.Start, v.End, v.HasAnonVma)));
        static object Counts(Stats x) => (x.Faults, x.SpfSuccess, x.SpfAbortNoAnonVma, x.SpfAbortSeqChanged, x.LiveVmas, x.LiveAnonVmas, x.MapCount, x.PopulatedPages);
        Assert.Equal(Counts(native.GetStats()), Counts(managed.GetStats()));
    }

    [Fact]
    public void An_operation_in_the_mapping_before_any_mmap_fails_instead_of_touching_another_mapping()
    {
        using var space = new ManagedAddressSpace("mmu");
        var cursor = new StreamCursor();
        var unmap = BenchOp.Mapped(Operation.Munmap(0, 4096));

        Assert.Equal(StreamCursor.NoMapping, cursor.Resolve(unmap).Addr);
        Assert.True(cursor.Execute(space, unmap, out _) < 0);
        var map = Operation.Mmap(0, 8192, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous);
        var at = cursor.Execute(space, BenchOp.At(map), out _);
        Assert.True(BenchPlan.Placed(space.Config, map, at));
        Assert.Equal((ulong)at + 4096, cursor.Resolve(BenchOp.Mapped(Operation.Fault(4096, FaultFlags.Write))).Addr);
        // A result outside the mmap window, or unaligned, is not a placement the plan can use.
        Assert.False(BenchPlan.Placed(space.Config, map, (long)space.Config.MmapBase));
        Assert.False(BenchPlan.Placed(space.Config, map, at + 1));
        Assert.False(BenchPlan.Placed(space.Config, map with { Flags = map.Flags | (uint)MapFlags.Fixed, Addr = 0x100000 }, at));
    }

    [Fact]
    public void The_workloads_have_their_published_shapes()
    {
        using var space = new ManagedAddressSpace("mmu");
        BenchOp[] First(BenchWorkload w, int threads = 2) => [.. BenchPlan.Prepare(space, w, 1, threads, 1).Streams[1]];

        // will-it-scale: 128 MiB per iteration, every page written once, mapped with mmap(NULL):
        // no hint, no MAP_FIXED; the faults and the munmap address what the mmap returned.
        var pf1 = First(BenchWorkload.PageFault1);
        Assert.Equal(2 + 32768, pf1.Length);
        Assert.Equal((OpKind.Mmap, 128UL << 20, 0u, 0UL, false), (pf1[0].Kind, pf1[0].Op.Len, pf1[0].Op.Flags & (uint)MapFlags.Fixed, pf1[0].Op.Addr, pf1[0].InMapping));
        Assert.Equal(32768, pf1.Count(o => o.Kind == OpKind.Fault && o.Op.Flags == (uint)FaultFlags.Write && o.InMapping));
        Assert.Equal(BenchOp.Mapped(Operation.Munmap(0, 128UL << 20)), pf1[^1]);
        // malloc1: glibc maps 128 MiB + the chunk header's page, writes the header, unmaps.
        var malloc1 = First(BenchWorkload.Malloc1);
        Assert.Equal([OpKind.Mmap, OpKind.Fault, OpKind.Munmap], malloc1.Select(o => o.Kind));
        Assert.Equal(((128UL << 20) + 4096, 0UL), (malloc1[0].Op.Len, malloc1[0].Op.Addr));
        Assert.Equal(BenchOp.Mapped(Operation.Fault(0, FaultFlags.Write)), malloc1[1]);
        Assert.Equal(BenchOp.Mapped(Operation.Munmap(0, malloc1[0].Op.Len)), malloc1[2]);
        // ebizzy -mTt: a 512 KiB copy, each of its pages written once, nothing read.
        var ebizzy = First(BenchWorkload.Ebizzy);
        Assert.Equal(512UL << 10, ebizzy[0].Op.Len);
        Assert.Equal(128, ebizzy.Count(o => o.Kind == OpKind.Fault && o.Op.Flags == (uint)FaultFlags.Write));
        Assert.Equal(ebizzy.Length - 2, ebizzy.Count(o => o.Kind == OpKind.Fault));
        // pft: each thread's part of one region, disjoint, one write fault per page.
        var pft = BenchPlan.Prepare(space, BenchWorkload.Pft, 1, 3, 100);
        var pages = pft.Streams.SelectMany(s => s).Select(o => o.Op.Addr).ToArray();
        Assert.Equal(300, pages.Distinct().Count());
        Assert.All(pft.Streams.SelectMany(s => s), o => Assert.Equal((OpKind.Fault, (uint)FaultFlags.Write, false), (o.Kind, o.Op.Flags, o.InMapping)));
    }

    [Fact]
    public void Counted_costs_show_the_file_fault_paying_a_wasted_speculative_attempt_and_more_mm_wide_writes()
    {
        var spf = BenchRunner.Count("mmu-spf", BenchWorkload.PageFault2, 1, 2, 3400);
        var classic = BenchRunner.Count("mmu", BenchWorkload.PageFault2, 1, 2, 3400);

        // one 128 MiB iteration per thread
        Assert.Equal(2 * 32768, spf.Faults);
        Assert.Equal(1.0, spf.WastedSpeculativePerFault, 3);
        Assert.Equal(0.0, classic.WastedSpeculativePerFault, 3);
        // mm_rb_lock and mmap_sem: 2 + 2 against 2. Both install each new VMA's anon_vma under
        // page_table_lock at its first write fault: the same mm-wide writes on both designs.
        Assert.Equal(4.0, spf.MmapSemPerFault + spf.MmRbLockPerFault, 3);
        Assert.Equal(2.0, classic.MmapSemPerFault + classic.MmRbLockPerFault, 3);
        Assert.True(classic.PageTableLockPerFault > 0);
        Assert.Equal(classic.PageTableLockPerFault, spf.PageTableLockPerFault, 6);
        Assert.Equal(2.0, spf.MmWidePerFault - classic.MmWidePerFault, 6);
        Assert.Equal(2 * 32768, spf.AbortReasons["not-anon"]);
    }

    [Fact]
    public void Malloc1_placed_top_down_finds_its_neighbours_anon_vma()
    {
        // The two threads' streams, one operation of each in turn on this thread: thread 1's
        // chunk is placed right below thread 0's and merges with it; in every round the merged
        // VMA already has thread 0's anon_vma when thread 1 writes its header, and that fault
        // completes speculatively, while thread 0's, the first in the fresh VMA, cannot.
        using var space = new NativeAddressSpace("mmu-spf");
        var plan = BenchPlan.Prepare(space, BenchWorkload.Malloc1, 1, 2, 3 * 100);
        var cursors = new[] { new StreamCursor(), new StreamCursor() };
        var before = space.GetStats();
        for (var i = 0; i < plan.Streams[0].Length; i++)
        {
            for (var t = 0; t < 2; t++)
                Assert.True(cursors[t].Execute(space, plan.Streams[t][i], out var ran) >= 0, ran.ToString());
        }
        var after = space.GetStats();

        Assert.Equal(200UL, after.Faults - before.Faults);
        Assert.Equal(100UL, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(100UL, after.SpfAbortNoAnonVma - before.SpfAbortNoAnonVma);
    }

    [Theory]
    [InlineData("native")]
    [InlineData("managed")]
    public void Malloc1_refills_the_hole_freed_highest_next_to_a_live_mapping_and_its_fault_finds_the_anon_vma(string backend)
    {
        // Three threads map and write their chunks (top-down: 0 highest, 2 lowest; one merged
        // VMA). Thread 1 frees the middle one, thread 2 the lowest: the highest free range that
        // fits now ends at thread 0's live, written chunk, where thread 1's was. Thread 2's next malloc
        // refills it (a fixed per-thread slot would have put it back below, between free
        // space and free space, with no anon_vma), merges with thread 0's VMA and shares its
        // anon_vma, so its header fault completes speculatively.
        using IAddressSpace space = backend == "native" ? new NativeAddressSpace("mmu-spf") : new ManagedAddressSpace("mmu-spf");
        var plan = BenchPlan.Prepare(space, BenchWorkload.Malloc1, 1, 3, 2 * 3);
        var cursors = new[] { new StreamCursor(), new StreamCursor(), new StreamCursor() };
        long Run(int thread, int op) => cursors[thread].Execute(space, plan.Streams[thread][op], out _);
        for (var t = 0; t < 3; t++)
        {
            Assert.True(Run(t, 0) >= 0);
            Assert.True(Run(t, 1) >= 0);
        }
        var len = plan.Streams[0][0].Op.Len;
        Assert.Equal([cursors[0].Mapping - len, cursors[1].Mapping - len], new[] { cursors[1].Mapping, cursors[2].Mapping });
        var hole = cursors[1].Mapping;
        Assert.Equal(0, Run(1, 2));
        Assert.Equal(0, Run(2, 2));

        Assert.Equal((long)hole, Run(2, 3));
        var vma = Assert.Single(space.Snapshot());
        Assert.Equal((hole, cursors[0].Mapping + len, true), (vma.Start, vma.End, vma.HasAnonVma));
        var before = space.GetStats();
        Assert.Equal(0, Run(2, 4));
        var after = space.GetStats();
        Assert.Equal((1UL, 0UL), (after.SpfSuccess - before.SpfSuccess, after.SpfAbortNoAnonVma - before.SpfAbortNoAnonVma));
    }

    [Fact]
    public void Interleaved_timing_records_the_flavour_each_arm_ran_and_ratios_per_round()
    {
        var arms = new[]
        {
            new BenchArm("native", "mmu"), new BenchArm("native", "mmu-spf"), new BenchArm("native", "mmu", Twin: true),
            new BenchArm("managed", "mmu"),
        };
        // The native mmu-spf arm deliberately gets the checked library: the record must say so.
        IAddressSpace Create(string backend, string config) => backend == "native"
            ? new NativeAddressSpace(config, config == "mmu-spf" ? null : "perf")
            : new ManagedAddressSpace(config);

        var points = BenchRunner.TimeInterleaved(arms, Create, BenchWorkload.SingleVma, 1, 1, 640, 2);

        Assert.Equal(["perf", "checked", "perf", ManagedFlavour.Name], points.Select(p => p.Flavour));
        Assert.Equal([0, 2, 2, 0], points.Select(p => p.RoundRatios!.Count));
        Assert.All(points, p => Assert.Equal(2, p.OpsPerSecond.Count));
        Assert.Equal([false, false, true, false], points.Select(p => p.Twin));
        Assert.Equal(Math.Abs(points[2].VsBaseline!.Value), BenchNoise.Band(points));
    }

    [Fact]
    public void The_noise_band_is_the_largest_a_a_difference_and_reads_differences_inside_it_as_noise()
    {
        BenchPoint Arm(string config, bool twin, double ratio) =>
            new("w", "native", config, 2, false, 1, [1.0], 0, "perf", twin, [ratio]);
        var points = new[] { Arm("mmu", true, 0.9), Arm("mmu", true, 1.05), Arm("mmu-spf", false, 1.2) };

        Assert.Equal(0.1, BenchNoise.Band(points)!.Value, 9);
        Assert.Equal("within noise", BenchNoise.Reading(-0.08, 0.1));
        Assert.Equal("beyond noise", BenchNoise.Reading(0.2, 0.1));
        Assert.Null(BenchNoise.Band([Arm("mmu-spf", false, 1.2)]));
    }

    [Fact]
    public void A_one_thread_process_never_speculates()
    {
        var one = BenchRunner.Count("mmu-spf", BenchWorkload.SingleVma, 1, 1, 640);

        Assert.Equal(640, one.Faults);
        Assert.Equal(0, one.SpeculativeSuccess);
        Assert.Equal((2.0, 0.0), (one.MmapSemPerFault, one.MmRbLockPerFault));
    }

    [Fact]
    public void Counted_costs_show_an_anonymous_fault_trading_mmap_sem_for_mm_rb_lock_and_vm_ref_count()
    {
        var spf = BenchRunner.Count("mmu-spf", BenchWorkload.SingleVma, 1, 2, 6400);
        var classic = BenchRunner.Count("mmu", BenchWorkload.SingleVma, 1, 2, 6400);

        // Every fault of the two-thread mm tries the speculative path once: get_vma and put_vma.
        // The two threads race for page_table_lock, which the speculative path only trylocks, so
        // a few attempts give up (ptl-busy) and take mmap_sem: exactly those pay mmap_sem too.
        Assert.Equal(12800, spf.Faults);
        Assert.Equal((2.0, 2.0), (spf.MmRbLockPerFault, spf.VmaPerFault));
        var wasted = (long)Math.Round(spf.WastedSpeculativePerFault * spf.Faults);
        Assert.Equal(spf.Faults, spf.SpeculativeSuccess + wasted);
        Assert.Equal(wasted, spf.AbortReasons["ptl-busy"]);
        Assert.Equal(2.0 * wasted / spf.Faults, spf.MmapSemPerFault, 6);
        Assert.True(spf.SpeculativeSuccess > spf.Faults / 2, $"{spf.SpeculativeSuccess} of {spf.Faults} speculative");
        Assert.Equal((2.0, 0.0, 0.0), (classic.MmapSemPerFault, classic.MmRbLockPerFault, classic.VmaPerFault));
    }

    [Fact]
    public void A_speculative_fault_waits_behind_far_shorter_writer_sections_than_a_classic_one()
    {
        var spf = BenchRunner.Count("mmu-spf", BenchWorkload.Ebizzy, 1, 2, 2600);

        // Every mmap and munmap holds mmap_sem for write throughout (allocations, the anon_vma,
        // the page zap under page_table_lock, the vm_sequence brackets) and mm_rb_lock only
        // around each rb-tree insert or erase, which takes no other lock and no atomic. A copy
        // merges with its mapped neighbours, so its munmap may split the merged VMA first: one
        // more insert, one more mm_rb_lock section inside the same mmap_sem section.
        Assert.True(spf.MmapSemWriterSectionsPerKFault > 0);
        Assert.True(spf.MmRbLockWriterSectionsPerKFault >= spf.MmapSemWriterSectionsPerKFault - 1e-9,
            $"{spf.MmRbLockWriterSectionsPerKFault} mm_rb_lock against {spf.MmapSemWriterSectionsPerKFault} mmap_sem write sections per 1000 faults");
        var stepsPerSection = spf.MmapSemWriterStepsPerFault * 1000 / spf.MmapSemWriterSectionsPerKFault;
        Assert.True(stepsPerSection >= 2, $"{stepsPerSection} steps per mmap_sem write section");
        Assert.Equal(0.0, spf.MmRbLockWriterStepsPerFault, 6);
    }

    [Fact]
    public void The_tables_fit_120_columns_the_json_round_trips_and_every_workload_gets_a_plot()
    {
        var points = BenchWorkloads.All.SelectMany(w => new[] { 1, 2, 4 }.SelectMany(t => new[] { "mmu-spf", "mmu" }.Select(c =>
            new BenchPoint(w.Name(), "native", c, t, t > Environment.ProcessorCount, 1000, [1e6 * t, 1.1e6 * t, 0.9e6 * t], 0)))).ToArray();
        var counted = new[]
        {
            BenchRunner.Count("mmu-spf", BenchWorkload.Malloc1, 1, 2, 300),
            BenchRunner.Count("mmu", BenchWorkload.Malloc1, 1, 2, 300),
        };
        var floor = new FloorReport(64, 6, 12.5, 8.25, 6.75);
        var hot = new[] { new HotPathReport("mmu-spf", 40, 60, 150, 45, 180, 60, 200, 1.5, 1.33), new HotPathReport("mmu", 45, 62, null, 50, null, 55, null, 1.22, null) };
        var mixes = new[] { new InteropMixReport("mmu-spf", 34000, 70, 74, 1.06) };

        foreach (var table in new[] { BenchTables.HotPaths(floor, hot, mixes), BenchTables.Throughput(points), BenchTables.Counted(counted) })
        {
            var text = table.ToPlainText(400);
            var widest = text.Split('\n').Max(l => l.TrimEnd().Length);
            Assert.True(widest <= 120, $"{widest} columns:\n{text}");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"bench-specs-{Guid.NewGuid():N}");
        try
        {
            var report = new BenchReport(DateTimeOffset.UnixEpoch, "m", 2, "perf", 1, "quick", floor, hot, mixes, points, counted);
            var json = Path.Combine(folder, "bench.json");
            BenchReportFile.Write(report, json);
            var back = BenchReportFile.Read(json);
            Assert.Equal(report.Throughput.Count, back.Throughput.Count);
            Assert.Equal(report.Counted[0].MmRbLockPerFault, back.Counted[0].MmRbLockPerFault);
            Assert.Equal(report.Floor, back.Floor);

            var plots = BenchPlot.Save(points, folder);
            Assert.Equal(BenchWorkloads.All.Count, plots.Count);
            foreach (var png in plots)
            {
                var bytes = File.ReadAllBytes(png);
                Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
