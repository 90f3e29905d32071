// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Concurrent;

namespace Testbed.Harness.Reports;

/// <summary>A PNG of ops/s against threads, one line per backend x config (ScottPlot 5).</summary>
public static class ThroughputPlot
{
    /// <summary>Draws the clean-or-not, non-crashed runs of <paramref name="runs"/> into <paramref name="path"/>.</summary>
    public static void Save(IEnumerable<RunResult> runs, string path, int width = 900, int height = 560)
    {
        var plot = new ScottPlot.Plot();
        var series = runs
            .Where(r => r.Crash is null)
            .GroupBy(r => $"{r.Backend} {r.Config}")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in series)
        {
            var points = group.OrderBy(r => r.Threads).ToArray();
            var line = plot.Add.Scatter(
                points.Select(r => (double)r.Threads).ToArray(),
                points.Select(r => r.OpsPerSecond).ToArray());
            line.LegendText = group.Key;
            line.MarkerSize = 7;
        }

        plot.Title($"throughput by threads ({Environment.ProcessorCount} CPUs)");
        plot.XLabel("threads");
        plot.YLabel("operations / s");
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
