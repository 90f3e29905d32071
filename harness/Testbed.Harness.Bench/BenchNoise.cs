// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Bench;

/// <summary>
/// The noise band of one bench report: the largest difference any A/A arm (the baseline
/// timed twice, interleaved with everything else) showed against itself. A difference of a
/// design from the baseline no larger than that is indistinguishable from the machine's noise.
/// </summary>
public static class BenchNoise
{
    /// <summary>max |A/A median per-round ratio - 1| over the report's twins (null when there is none).</summary>
    public static double? Band(IEnumerable<BenchPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var twins = points.Where(p => p.Twin && p.VsBaseline is not null).Select(p => Math.Abs(p.VsBaseline!.Value)).ToArray();
        return twins.Length == 0 ? null : twins.Max();
    }

    /// <summary>"within noise" when |<paramref name="difference"/>| is inside <paramref name="band"/>, else "beyond noise".</summary>
    public static string Reading(double difference, double? band) =>
        band is { } b && Math.Abs(difference) <= b ? "within noise" : "beyond noise";
}
