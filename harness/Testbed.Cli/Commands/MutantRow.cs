// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text.Json.Nodes;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands;

/// <summary>
/// One row of the <c>testbed mutants</c> table, the unit of a sharded mutants sweep: which
/// detector caught the mutant first (null: it survived), at what deterministic cost
/// (schedules or runs, operations, where), the command that replays it and the first problem.
/// <see cref="Seconds"/> and, for race mutants, <see cref="Ratio"/> (PCT's time to first
/// detection against the uncontrolled stress's) are measurements: shown, not compared.
/// </summary>
public sealed record MutantRow(string Mutant, string Kind, string? DetectedBy, string Cost, string? Replay)
{
    /// <summary>The first problem the detector reported.</summary>
    public string? Problem { get; init; }

    /// <summary>The detector's own seconds to the detection (null when nothing was timed).</summary>
    public double? Seconds { get; init; }

    /// <summary>Race mutants caught by PCT: stress seconds over PCT seconds, with both counts.</summary>
    public string? Ratio { get; init; }

    /// <summary>mutant | detected by | cost | replay.</summary>
    public string Line() =>
        $"{Mutant,-34} | {DetectedBy ?? "SURVIVED",-18} | {Cost}" +
        (Seconds is { } s ? $", {s.ToString("0.000", CultureInfo.InvariantCulture)} s" : "") + $" | {Replay}" +
        (Problem is null ? "" : $"\n{"",-34} |   {Problem}");

    /// <summary>The row as a sweep unit: the deterministic fields as its result, seconds and ratio as measured.</summary>
    public SweepUnit ToUnit(int index) => new(index,
        new JsonObject
        {
            ["mutant"] = Mutant,
            ["kind"] = Kind,
            ["detectedBy"] = DetectedBy,
            ["cost"] = Cost,
            ["replay"] = Replay,
            ["problem"] = Problem,
        },
        new JsonObject { ["seconds"] = Seconds, ["ratio"] = Ratio });

    /// <summary>The row a unit holds.</summary>
    public static MutantRow FromUnit(SweepUnit unit) =>
        new(Text(unit.Result, "mutant")!, Text(unit.Result, "kind")!, Text(unit.Result, "detectedBy"), Text(unit.Result, "cost")!,
            Text(unit.Result, "replay"))
        {
            Problem = Text(unit.Result, "problem"),
            Seconds = unit.Measured?["seconds"]?.GetValue<double>(),
            Ratio = Text(unit.Measured, "ratio"),
        };

    private static string? Text(JsonObject? json, string name) => json?[name]?.GetValue<string>();
}
