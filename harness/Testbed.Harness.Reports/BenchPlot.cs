// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Reports;

/// <summary>
/// One PNG per workload: operations/s against threads on a log2 axis with integer ticks, a line
/// per backend x config with the median and error bars from the slowest to the fastest repeat,
/// the legend outside the data, oversubscribed thread counts marked on the axis; the A/A arm is a
/// line of its own ("mmu (A/A)").
/// </summary>
public static class BenchPlot
{
    /// <summary>Writes bench-&lt;workload&gt;.png into <paramref name="folder"/> for every workload of <paramref name="points"/>; returns the paths.</summary>
    public static IReadOnlyList<string> Save(IEnumerable<BenchPoint> points, string folder, int width = 960, int height = 540)
    {
        ArgumentNullException.ThrowIfNull(points);
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var workload in points.GroupBy(p => p.Workload))
        {
            var plot = new ScottPlot.Plot();
            var threads = workload.Select(p => p.Threads).Distinct().Order().ToArray();
            foreach (var series in workload.GroupBy(p => $"{p.Backend} {p.Label}").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var s = series.OrderBy(p => p.Threads).ToArray();
                var xs = s.Select(p => Math.Log2(p.Threads)).ToArray();
                var ys = s.Select(p => p.Median).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.LegendText = series.Key;
                line.MarkerSize = 7;
                var bars = plot.Add.ErrorBar(xs, ys, s.Select(p => p.Median - p.Min).ToArray());
                bars.YErrorNegative = s.Select(p => p.Median - p.Min).ToArray();
                bars.YErrorPositive = s.Select(p => p.Max - p.Median).ToArray();
                bars.LineColor = line.Color;
            }

            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var t in threads)
            {
                var label = t.ToString(CultureInfo.InvariantCulture) + (t > Environment.ProcessorCount ? "*" : "");
                ticks.AddMajor(Math.Log2(t), label);
            }
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Title($"{workload.Key}: throughput by threads ({Environment.ProcessorCount} CPUs; * = oversubscribed)");
            plot.XLabel("threads (log2 scale)");
            plot.YLabel("operations / s (median, bars: min..max)");
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
            var pad = threads.Length > 1 ? 0.25 : 0.5;
            plot.Axes.SetLimitsX(Math.Log2(threads[0]) - pad, Math.Log2(threads[^1]) + pad);
            plot.ShowLegend(ScottPlot.Edge.Right);
            var path = Path.Combine(folder, $"bench-{workload.Key}.png");
            plot.SavePng(path, width, height);
            paths.Add(path);
        }
        return paths;
    }
}
