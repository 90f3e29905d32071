// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Cli.Commands;

/// <summary>
/// One row of the <c>testbed mutants</c> table: which detector caught the mutant first
/// (null: it survived), at what cost, the command that replays it, and for race mutants
/// PCT's time to first detection against the uncontrolled stress's.
/// </summary>
public sealed record MutantRow(string Mutant, string Kind, string? DetectedBy, string Cost, string? Replay, string? Ratio)
{
    /// <summary>The first problem the detector reported.</summary>
    public string? Problem { get; init; }

    /// <summary>mutant | detected by | cost | replay.</summary>
    public string Line() =>
        $"{Mutant,-34} | {DetectedBy ?? "SURVIVED",-18} | {Cost} | {Replay}" +
        (Problem is null ? "" : $"\n{"",-34} |   {Problem}");
}
