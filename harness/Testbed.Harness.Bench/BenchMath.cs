// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>Order statistics of repeated measurements.</summary>
public static class BenchMath
{
    /// <summary>The median of <paramref name="values"/> (0 when empty).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
