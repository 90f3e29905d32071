// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Reports;
using Testbed.Managed;
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
        var a = BenchPlan.Prepare(native, BenchWorkload.Ebizzy, 3, 3, 5000);
        var b = BenchPlan.Prepare(managed, BenchWorkload.Ebizzy, 3, 3, 5000);
        using var other = new ManagedAddressSpace("mmu-spf");
        var c = BenchPlan.Prepare(other, BenchWorkload.Ebizzy, 4, 3, 5000);

        Assert.Equal(3, a.Streams.Count);
        for (var t = 0; t < 3; t++)
            Assert.Equal(a.Streams[t], b.Streams[t]);
        Assert.NotEqual(a.Streams[0], c.Streams[0]);
        Assert.Equal(5000 / BenchPlan.OpsPerIteration(BenchWorkload.Ebizzy) * BenchPlan.OpsPerIteration(BenchWorkload.Ebizzy), a.Streams[0].Length);
    }

    [Fact]
    public void Counted_costs_show_the_file_fault_paying_a_wasted_speculative_attempt_and_more_mm_wide_writes()
    {
        var spf = BenchRunner.Count("mmu-spf", BenchWorkload.PageFault2, 1, 2, 3400);
        var classic = BenchRunner.Count("mmu", BenchWorkload.PageFault2, 1, 2, 3400);

        Assert.Equal(6400, spf.Faults);
        Assert.Equal(1.0, spf.WastedSpeculativePerFault, 3);
        Assert.Equal(0.0, classic.WastedSpeculativePerFault, 3);
        // mm_rb_lock and mmap_sem: 2 + 2 against 2. Both install each new VMA's anon_vma under
        // page_table_lock at its first write fault: the same mm-wide writes on both designs.
        Assert.Equal(4.0, spf.MmapSemPerFault + spf.MmRbLockPerFault, 3);
        Assert.Equal(2.0, classic.MmapSemPerFault + classic.MmRbLockPerFault, 3);
        Assert.True(classic.PageTableLockPerFault > 0);
        Assert.Equal(classic.PageTableLockPerFault, spf.PageTableLockPerFault, 6);
        Assert.Equal(2.0, spf.MmWidePerFault - classic.MmWidePerFault, 6);
        Assert.Equal(6400, spf.AbortReasons["not-anon"]);
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
        // around the rb-tree insert or erase, which takes no other lock and no atomic.
        Assert.True(spf.MmapSemWriterSectionsPerKFault > 0);
        Assert.Equal(spf.MmapSemWriterSectionsPerKFault, spf.MmRbLockWriterSectionsPerKFault, 3);
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
            var text = ConsoleTables.ToPlainText(table, 400);
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
