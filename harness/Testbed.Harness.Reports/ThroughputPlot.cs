// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using ScottPlot;
using Testbed.Harness.Concurrent;

namespace Testbed.Harness.Reports;

/// <summary>
/// A PNG of ops/s against threads, one series per backend x config x mix (ScottPlot 5):
/// a log2 thread axis with a tick at each thread count run, a line through the
/// median of the repeats, every repeat as a dot and its min..max as a bar, and the
/// legend outside the data, to the right.
/// </summary>
public static class ThroughputPlot
{
    /// <summary>The plot of the non-crashed runs of <paramref name="runs"/>.</summary>
    public static Plot Create(IEnumerable<RunResult> runs)
    {
        var plot = new Plot();
        var ok = runs.Where(r => r.Crash is null).ToArray();
        var mixes = ok.Select(r => r.Mix).Distinct().Count();
        var series = ok
            .GroupBy(r => mixes > 1 ? $"{r.Backend} {r.Config} {r.Mix}" : $"{r.Backend} {r.Config}")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var group in series)
        {
            var color = palette.GetColor(index++);
            var byThreads = group.GroupBy(r => r.Threads).OrderBy(g => g.Key).ToArray();
            var medians = byThreads.Select(g => ConsoleTables.Median(g.ToArray())!.OpsPerSecond).ToArray();
            var line = plot.Add.Scatter(byThreads.Select(g => Math.Log2(g.Key)).ToArray(), medians, color);
            line.LegendText = group.Key;
            line.MarkerSize = 7;
            foreach (var g in byThreads.Where(g => g.Count() > 1))
            {
                var x = Math.Log2(g.Key);
                var rates = g.Select(r => r.OpsPerSecond).ToArray();
                var bar = plot.Add.Line(x, rates.Min(), x, rates.Max());
                bar.Color = color;
                bar.LineWidth = 2;
                var dots = plot.Add.Markers(rates.Select(_ => x).ToArray(), rates, MarkerShape.OpenCircle, 5, color);
                dots.LegendText = "";
            }
        }

        var threads = ok.Select(r => r.Threads).Distinct().Order().ToArray();
        if (threads.Length > 0)
        {
            plot.Axes.Bottom.SetTicks(
                threads.Select(t => Math.Log2(t)).ToArray(),
                threads.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray());
        }

        plot.Title($"throughput by threads, perf flavours ({Environment.ProcessorCount} CPUs)");
        plot.XLabel("threads (log2 scale)");
        plot.YLabel("operations / s");
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        var pad = Math.Max(0.25, (limits.Right - limits.Left) * 0.05);
        plot.Axes.SetLimits(limits.Left - pad, limits.Right + pad, 0, limits.Top * 1.1);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Draws <paramref name="runs"/> into <paramref name="path"/>.</summary>
    public static void Save(IEnumerable<RunResult> runs, string path, int width = 1000, int height = 560)
    {
        var plot = Create(runs);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
