// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Spectre.Console;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Reports;

/// <summary>The tables <c>testbed bench</c> prints; each fits 120 columns.</summary>
public static class BenchTables
{
    /// <summary>The floor and every design's hot paths as multiples of it; managed/native and C#/C ratios.</summary>
    public static ConsoleBlock HotPaths(FloorReport floor, IReadOnlyList<HotPathReport> hot, IReadOnlyList<InteropMixReport> mixes)
    {
        ArgumentNullException.ThrowIfNull(floor);
        var table = new Table
        {
            Caption = new TableTitle("ns per op, median; C = perf library from C, C# = through the interop, mgd = managed port (perf)"),
            Title = new TableTitle(Markup.Escape(
                $"floor {F(floor.TotalNs)} ns = rwlock rd {F(floor.RwlockReadNs)} + atomic inc/dec {F(floor.AtomicIncDecNs)}" +
                $" + rb walk {F(floor.RbWalkNs)} (depth {floor.RbDepth}, {floor.Vmas} VMAs)")),
        }.AddColumns("config", "C fault", "x floor", "C get/put", "C# fault", "mgd fault", "mgd/C",
            "mgd get/put", "mgd/C g/p", "C#/C mix");
        foreach (var h in hot)
        {
            var mix = mixes.FirstOrDefault(m => m.Config == h.Config);
            table.AddRow(h.Config, F(h.CFaultBatchNs), X(h.CFaultOverFloor ?? h.CFaultBatchNs / floor.TotalNs), F(h.CGetPutNs), F(h.InteropFaultBatchNs),
                F(h.ManagedFaultBatchNs), X(h.ManagedOverCFault), F(h.ManagedGetPutNs),
                h.ManagedOverCGetPut is { } g ? X(g) : "-", mix is null ? "-" : X(mix.Ratio));
        }
        return new(table);
    }

    /// <summary>
    /// Throughput: median ops/s, spread of the repeats, the median of the per-round ratios to
    /// the mmu baseline, and whether that difference lies inside the report's noise band (the
    /// largest A/A difference, printed in the title).
    /// </summary>
    public static ConsoleBlock Throughput(IReadOnlyList<BenchPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var band = BenchNoise.Band(points);
        var title = "throughput (median of the repeats, arms interleaved per round; * oversubscribed)\n" + (band is { } b
            ? $"noise band (largest A/A difference, mmu vs mmu): ±{(100 * b).ToString("0.0", CultureInfo.InvariantCulture)}%"
            : "no A/A arm: no noise band");
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumns("workload", "backend", "config", "threads", "flavour", "ops/s", "spread", "vs mmu", "reading", "errors");
        foreach (var p in points.OrderBy(p => p.Workload, StringComparer.Ordinal).ThenBy(p => p.Backend, StringComparer.Ordinal)
                     .ThenBy(p => p.Threads).ThenBy(p => p.Label, StringComparer.Ordinal))
        {
            var vs = p.VsBaseline;
            table.AddRow(p.Workload, p.Backend, Markup.Escape(p.Label),
                p.Threads.ToString(CultureInfo.InvariantCulture) + (p.Oversubscribed ? "*" : ""), p.Flavour,
                p.Median.ToString("N0", CultureInfo.InvariantCulture), (100 * p.Spread).ToString("0", CultureInfo.InvariantCulture) + "%",
                vs is { } v ? (v * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%" : "",
                vs is { } d && !p.Twin ? BenchNoise.Reading(d, band) : p.Twin ? "A/A" : "",
                p.Errors == 0 ? "0" : $"[red]{p.Errors}[/]");
        }
        return new(table);
    }

    /// <summary>The counted costs per fault and per operation.</summary>
    public static ConsoleBlock Counted(IReadOnlyList<CountedMetrics> counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        var table = new Table
        {
            Title = new TableTitle("counted costs (checked library), per fault unless said"),
            Caption = new TableTitle(
                "line writes: sem mmap_sem, rb mm_rb_lock, pgl page_table_lock (the mm-wide three), ptl split PTE locks,\n" +
                "vma per-VMA lines, bkp testbed bookkeeping (not a design cost); wide: mm-wide writes per operation;\n" +
                "wait: fault lock waits per 1k faults, bh wr: of them\n" +
                "behind a writer holding mmap_sem; waste: speculative attempts aborted; sem wr / rb wr: steps run\n" +
                "holding mmap_sem / mm_rb_lock for write (what a classic / a speculative fault can wait behind)"),
        }
            .AddColumns("workload", "config", "thr", "sem", "rb", "pgl", "ptl", "vma", "bkp", "wide",
                "wait", "bh wr", "waste", "sem wr", "rb wr");
        foreach (var c in counted)
        {
            table.AddRow(c.Workload, c.Config, c.Threads.ToString(CultureInfo.InvariantCulture), F(c.MmapSemPerFault),
                F(c.MmRbLockPerFault), F(c.PageTableLockPerFault), F(c.PtlPerFault), F(c.VmaPerFault), F(c.BookkeepingPerFault), F(c.MmWidePerOp),
                F(c.FaultReadWaitsPerKFault), F(c.FaultReadWaitsBehindWriterPerKFault), F(c.WastedSpeculativePerFault),
                F(c.MmapSemWriterStepsPerFault), F(c.MmRbLockWriterStepsPerFault));
        }
        return new(table);
    }

    private static string F(double? v) => v is { } x ? x.ToString(x >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture) : "-";

    private static string X(double v) => v.ToString("0.00", CultureInfo.InvariantCulture) + "x";
}
