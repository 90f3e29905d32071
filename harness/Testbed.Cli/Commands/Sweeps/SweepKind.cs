// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>
/// What <c>testbed merge</c> knows of one sweep kind: how many units its parameters make, what a
/// whole unit holds, its canonical merged form and its report (the one a single run prints).
/// </summary>
/// <param name="Name">The kind in result files.</param>
/// <param name="UnitsOf">The units a file's parameters make; an <see cref="InvalidDataException"/> when they do not say.</param>
/// <param name="CheckUnit">Null when a unit (of a file with these parameters) holds what the report reads, else what is wrong.</param>
/// <param name="Report">Prints the report of a whole or merged file and returns the run's exit code.</param>
/// <param name="Canonical">
/// The merged file as one run would have written it, for the kinds whose shards may run units
/// one run would not (pct stops a scenario at its own first failure); others are as merged.
/// </param>
internal sealed record SweepKind(
    string Name,
    Func<IReadOnlyDictionary<string, string>, long> UnitsOf,
    Func<IReadOnlyDictionary<string, string>, SweepUnit, string?> CheckUnit,
    Func<SweepFile, int> Report,
    Func<SweepFile, SweepFile>? Canonical = null);
