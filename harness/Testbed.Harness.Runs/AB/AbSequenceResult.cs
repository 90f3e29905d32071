// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.AB;

/// <summary>
/// What one seeded sequence of an A/B run did and found: its plain run and, with injection,
/// one run per allocation it makes. A pure function of the options and the sequence's index
/// (every run opens fresh address spaces), so sequences can run anywhere and be summed.
/// </summary>
/// <param name="Index">The sequence's index i (its seed is the options' seed + i).</param>
/// <param name="Seed">The sequence's seed.</param>
/// <param name="Runs">Runs (the sequence once, plus once per injected allocation).</param>
/// <param name="Operations">Operations executed on each side.</param>
/// <param name="InjectedFailures">Allocations made to fail.</param>
/// <param name="ErrorPaths">Distinct error paths hit, ordered (operation, errno, injected, event kinds).</param>
/// <param name="EventsCompared">Lifecycle events compared.</param>
/// <param name="ReorderedOps">Operations whose events were equal per object but interleaved differently.</param>
/// <param name="Differences">Every difference found (at most one per run).</param>
public sealed record AbSequenceResult(
    int Index,
    ulong Seed,
    long Runs,
    long Operations,
    long InjectedFailures,
    IReadOnlyList<string> ErrorPaths,
    long EventsCompared,
    long ReorderedOps,
    IReadOnlyList<AbDifference> Differences);
