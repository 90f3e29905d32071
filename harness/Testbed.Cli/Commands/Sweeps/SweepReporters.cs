// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>
/// Each sweep kind's report, printed from a whole or merged <see cref="SweepFile"/>: a single
/// run and <c>testbed merge</c> print through the same function, so they print the same thing.
/// A reporter returns the run's exit code (0 clean, 1 findings).
/// </summary>
internal static class SweepReporters
{
    private static readonly Dictionary<string, Func<SweepFile, int>> Reporters = new(StringComparer.Ordinal)
    {
        [Harness.Differential.DifferentialSweep.Kind] = DifferentialCommand.Report,
        [Harness.AB.AbSweep.Kind] = AbCommand.Report,
        [Harness.Scheduling.PctSweep.Kind] = PctCommand.Report,
        [Harness.Kernel.KernelSweep.Kind] = KernelCommand.Report,
        [MutantsCommand.Kind] = MutantsCommand.Report,
    };

    /// <summary>
    /// A kind's canonical form of a merged file, for the kinds whose shards may run units one
    /// run would not (pct stops a scenario at its own first failure); others are as merged.
    /// </summary>
    private static readonly Dictionary<string, Func<SweepFile, SweepFile>> CanonicalForms = new(StringComparer.Ordinal)
    {
        [Harness.Scheduling.PctSweep.Kind] = Harness.Scheduling.PctSweep.Canonical,
    };

    /// <summary>The kinds that can be merged.</summary>
    public static IEnumerable<string> Kinds => Reporters.Keys.Order(StringComparer.Ordinal);

    /// <summary><paramref name="file"/> (merged) as one run of its sweep would have written it.</summary>
    public static SweepFile Canonical(SweepFile file) =>
        CanonicalForms.TryGetValue(file.Kind, out var canonical) ? canonical(file) : file;

    /// <summary>The reporter of <paramref name="kind"/>, or null when the kind is unknown.</summary>
    public static Func<SweepFile, int>? Find(string kind) => Reporters.GetValueOrDefault(kind);
}
