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
    IReadOnlyList<AbDifference> Differences);
