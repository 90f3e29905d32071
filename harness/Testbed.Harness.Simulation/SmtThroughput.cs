// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What one core gets done with k of its hardware threads busy, relative to one thread alone on
/// it: <see cref="Of"/>(k), from the published points (k → throughput) of
/// <see cref="Published"/> (1 → 1 always), linear between two published points. A thread whose
/// core runs k threads of the run does its local work at <see cref="Of"/>(k) / k of a lone
/// thread's speed: <see cref="Slowdown"/>. <see cref="Source"/> says where each point came from;
/// none is fitted to an anchor.
/// </summary>
public sealed class SmtThroughput
{
    private readonly SortedList<int, double> points;

    /// <param name="published">Throughput of a core with k threads busy, per k (k ≥ 2; 1 → 1 is implied), each at least 1 and at most k.</param>
    /// <param name="source">Where the points came from.</param>
    public SmtThroughput(IReadOnlyDictionary<int, double> published, string source)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        points = new SortedList<int, double> { [1] = 1 };
        foreach (var (k, throughput) in published)
        {
            if (k < 2 || throughput < 1 || throughput > k)
                throw new ArgumentOutOfRangeException(nameof(published), $"{k} busy threads at {throughput}x one thread: k >= 2 and 1 <= throughput <= k");
            points[k] = throughput;
        }
        Source = source;
    }

    /// <summary>
    /// No sharing modelled: every hardware thread of a core runs as fast as one alone (a machine
    /// without SMT, or one whose siblings' sharing is not known: the test machines).
    /// </summary>
    public static SmtThroughput NotModelled { get; } = new(new Dictionary<int, double>(), "not modelled: each hardware thread runs as fast as a lone one");

    /// <summary>The published points (busy threads → throughput relative to one thread), 1 → 1 first.</summary>
    public IReadOnlyDictionary<int, double> Published => points;

    /// <summary>Where the points came from.</summary>
    public string Source { get; }

    /// <summary>
    /// The core's throughput with <paramref name="busy"/> threads busy, relative to one thread:
    /// a published point, linear between the two around it; above the last, the last point's
    /// throughput (a core gets no more done with more threads than the most published); with
    /// none published, <paramref name="busy"/> (each thread at full speed).
    /// </summary>
    public double Of(int busy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busy, 1);
        if (points.Count == 1)
            return busy;
        if (points.TryGetValue(busy, out var exact))
            return exact;
        var keys = points.Keys;
        if (busy > keys[^1])
            return points.Values[^1];
        var hi = 1;
        while (keys[hi] < busy)
            hi++;
        int k0 = keys[hi - 1], k1 = keys[hi];
        double t0 = points.Values[hi - 1], t1 = points.Values[hi];
        return t0 + ((t1 - t0) * (busy - k0) / (k1 - k0));
    }

    /// <summary>How much longer a thread's local work takes on a core with <paramref name="busy"/> threads busy: busy / <see cref="Of"/>(busy) (1 alone).</summary>
    public double Slowdown(int busy) => busy / Of(busy);

    /// <summary>The published points as text ("2: 1.15x, 8: 1.85x"), or that none is.</summary>
    public override string ToString() => points.Count == 1
        ? "not modelled"
        : string.Join(", ", points.Skip(1).Select(p => string.Format(CultureInfo.InvariantCulture, "{0}: {1:0.###}x", p.Key, p.Value)));
}
