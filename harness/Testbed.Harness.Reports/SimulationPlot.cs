// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using ScottPlot;
using Testbed.Harness.Simulation;

namespace Testbed.Harness.Reports;

/// <summary>
/// PNGs of the simulation, one per workload (ScottPlot 5): predicted operations per second of
/// virtual time against virtual CPUs on a log2 axis, one line per design and machine of the
/// sweep, and each anchor's two simulated points (its design and mmu) as labelled markers.
/// </summary>
public static class SimulationPlot
{
    /// <summary>Draws one plot per workload into <paramref name="folder"/> (simulate-&lt;workload&gt;.png); returns the paths.</summary>
    public static IReadOnlyList<string> Save(IReadOnlyList<SimResult> sweep, IReadOnlyList<AnchorPrediction> anchors, string folder)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(anchors);
        var paths = new List<string>();
        var workloads = sweep.Select(r => r.Workload).Concat(anchors.Select(a => a.Workload)).Distinct().Order(StringComparer.Ordinal);
        foreach (var workload in workloads)
        {
            var plot = Create(workload, [.. sweep.Where(r => r.Workload == workload)], [.. anchors.Where(a => a.Workload == workload)]);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"simulate-{workload}.png");
            plot.SavePng(path, 1000, 560);
            paths.Add(path);
        }
        return paths;
    }

    private static Plot Create(string workload, IReadOnlyList<SimResult> sweep, IReadOnlyList<AnchorPrediction> anchors)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var group in sweep.GroupBy(r => $"{r.Config} ({r.Machine})").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = group.OrderBy(r => r.Threads).ToArray();
            var line = plot.Add.Scatter(points.Select(r => Math.Log2(r.Threads)).ToArray(), points.Select(r => r.OpsPerSecond).ToArray(), palette.GetColor(index++));
            line.LegendText = group.Key;
            line.MarkerSize = 7;
        }
        foreach (var a in anchors)
        {
            foreach (var (r, shape) in new[] { (a.Design, MarkerShape.FilledDiamond), (a.Baseline, MarkerShape.OpenDiamond) })
            {
                var x = Math.Log2(r.Threads);
                var marker = plot.Add.Marker(x, r.OpsPerSecond, shape, 10, Colors.Black);
                marker.LegendText = "";
                plot.Add.Text($"#{a.Row} {r.Config}", x, r.OpsPerSecond).LabelFontSize = 10;
            }
        }

        var threads = sweep.Select(r => r.Threads).Concat(anchors.Select(a => a.Threads)).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(threads.Select(t => Math.Log2(t)).ToArray(), threads.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Title($"{workload}: predicted throughput by virtual CPUs (anchors: filled = design, open = mmu)");
        plot.XLabel("virtual CPUs (log2 scale)");
        plot.YLabel("operations / s of virtual time");
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimits(Math.Min(0, limits.Left) - 0.25, Math.Max(8, limits.Right) + 0.25, 0, limits.Top * 1.1);
        if (sweep.Count > 0)
            plot.ShowLegend(Edge.Right); // a plot of anchors alone has no series to name (and draws blank with an empty legend)
        return plot;
    }
}
