// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// One anchor predicted with several seeds (each seed a different deal of the iteration's
/// strata to the CPUs, <see cref="Windows.StrataOf"/>): the median predicted difference, its range over
/// the seeds, and the sign judged on the range (<see cref="Judge"/>); ±10 pp and ×2 are judged
/// on the median. With one seed it is that seed's prediction.
/// </summary>
public sealed record AnchorOverSeeds(IReadOnlyList<AnchorPrediction> Seeds, double Median, double Min, double Max, SignVerdict Sign, bool? Within10, bool? WithinFactor2)
{
    /// <summary>The anchor's row, machine, benchmark, design, CPUs and published number (every seed's are the same).</summary>
    public AnchorPrediction First => Seeds[0];

    /// <summary>
    /// The predictions grouped by anchor, in the order each anchor first comes.
    /// </summary>
    public static IReadOnlyList<AnchorOverSeeds> Group(IEnumerable<AnchorPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return [.. predictions.GroupBy(p => p.Row).Select(g => Of([.. g]))];
    }

    /// <summary>One anchor's predictions, one per seed.</summary>
    public static AnchorOverSeeds Of(IReadOnlyList<AnchorPrediction> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
            throw new ArgumentException("an anchor over no seeds", nameof(seeds));
        var first = seeds[0];
        if (seeds.Any(p => (p.Row, p.Workload, p.Config, p.Threads, p.Machine) != (first.Row, first.Workload, first.Config, first.Threads, first.Machine)))
            throw new ArgumentException($"anchor {first.Row}'s seeds predict different points", nameof(seeds));
        var anchor = Anchors.All.Single(a => a.Row == first.Row);
        var values = seeds.Select(p => p.PredictedPct).ToArray();
        var median = MedianOf(values);
        return new AnchorOverSeeds(seeds, median, values.Min(), values.Max(), Judge(anchor, values),
            Anchors.Within10(anchor, median), Anchors.WithinFactor2(anchor, median));
    }

    /// <summary>
    /// Yes when every prediction has the published direction (the range lies on its side of
    /// zero), no when none has, a tie when the range straddles zero.
    /// </summary>
    public static SignVerdict Judge(Anchor anchor, IReadOnlyCollection<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(predicted);
        if (predicted.Count == 0)
            throw new ArgumentException("no prediction to judge", nameof(predicted));
        var matching = predicted.Count(p => Anchors.SignMatches(anchor, p));
        return matching == predicted.Count ? SignVerdict.Yes : matching == 0 ? SignVerdict.No : SignVerdict.Tie;
    }

    /// <summary>The median of <paramref name="values"/> (of an even count: the mean of the middle two).</summary>
    public static double MedianOf(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
            throw new ArgumentException("the median of nothing", nameof(values));
        var sorted = values.Order().ToArray();
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
