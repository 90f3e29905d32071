// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.AB;

/// <summary>What an A/B run did and found.</summary>
/// <param name="ConfigA">Reference config.</param>
/// <param name="ConfigB">Config under test.</param>
/// <param name="Sequences">Seeded sequences run.</param>
/// <param name="Runs">Runs (each sequence once, plus once per injected allocation).</param>
/// <param name="Operations">Operations executed on each side.</param>
/// <param name="InjectedFailures">Allocations made to fail.</param>
/// <param name="ErrorPaths">Distinct error paths hit (operation, errno, injected, event kinds).</param>
/// <param name="EventsCompared">Lifecycle events compared.</param>
/// <param name="ReorderedOps">Operations whose events were equal per object but interleaved differently.</param>
/// <param name="Differences">Every difference found (at most one per run).</param>
public sealed record AbSummary(
    string ConfigA,
    string ConfigB,
    long Sequences,
    long Runs,
    long Operations,
    long InjectedFailures,
    IReadOnlyList<string> ErrorPaths,
    long EventsCompared,
    long ReorderedOps,
    IReadOnlyList<AbDifference> Differences)
{
    /// <summary>The sum of <paramref name="sequences"/> (in index order) on configs A and B.</summary>
    public static AbSummary Of(string configA, string configB, IEnumerable<AbSequenceResult> sequences)
    {
        var all = sequences.OrderBy(s => s.Index).ToList();
        return new AbSummary(configA, configB, all.Count, all.Sum(s => s.Runs), all.Sum(s => s.Operations),
            all.Sum(s => s.InjectedFailures),
            [.. all.SelectMany(s => s.ErrorPaths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            all.Sum(s => s.EventsCompared), all.Sum(s => s.ReorderedOps), [.. all.SelectMany(s => s.Differences)]);
    }
}
