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
/// detection against the uncontrolled stress's) are measurements: shown, not compared. So is
/// the verdict of the full run's ASan stress stage (<see cref="AsanStress"/>): real threads
/// without a scheduler, which may catch a race in one run and not in the next.
/// </summary>
public sealed record MutantRow(string Mutant, string Kind, string? DetectedBy, string Cost, string? Replay)
{
    /// <summary>The first problem the detector reported.</summary>
    public string? Problem { get; init; }

    /// <summary>The detector's own seconds to the detection (null when nothing was timed).</summary>
    public double? Seconds { get; init; }

    /// <summary>Race mutants caught by PCT: stress seconds over PCT seconds, with both counts.</summary>
    public string? Ratio { get; init; }

    /// <summary>Whether the ASan stress stage caught the mutant; null when it did not run.</summary>
    public bool? AsanStress { get; init; }

    /// <summary>The command that reruns the ASan stress stage.</summary>
    public string? AsanReplay { get; init; }

    /// <summary>True when no detector caught the mutant.</summary>
    public bool Survived => DetectedBy is null && AsanStress != true;

    /// <summary>mutant | detected by | cost | replay, then the first problem and the ASan stage's verdict.</summary>
    public string Line()
    {
        var by = AsanStress == true ? (DetectedBy is null ? "" : DetectedBy + ", ") + "asan stress" : DetectedBy ?? "SURVIVED";
        return $"{Mutant,-34} | {by,-18} | {Cost}" +
            (Seconds is { } s ? $", {s.ToString("0.000", CultureInfo.InvariantCulture)} s" : "") + $" | {Replay}" +
            (Problem is null ? "" : $"\n{"",-34} |   {Problem}") +
            (AsanStress is { } found ? $"\n{"",-34} |   asan stress (uncontrolled threads): {(found ? "found it" : "found nothing")} | {AsanReplay}" : "");
    }

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
        new JsonObject { ["seconds"] = Seconds, ["ratio"] = Ratio, ["asanStress"] = AsanStress, ["asanReplay"] = AsanReplay });

    private static readonly JsonShape ResultShape = new JsonShape()
        .Text("mutant").Text("kind").Text("detectedBy", optional: true).Text("cost").Text("replay", optional: true).Text("problem", optional: true);

    private static readonly JsonShape MeasuredShape = new JsonShape()
        .Number("seconds", optional: true).Text("ratio", optional: true).Flag("asanStress", optional: true).Text("asanReplay", optional: true);

    /// <summary>Null when <paramref name="unit"/> holds a row (<see cref="FromUnit"/> reads it whole); else what is wrong with it.</summary>
    public static string? CheckUnit(SweepUnit unit) =>
        ResultShape.Problem(unit.Result) ?? (unit.Measured is null ? null : MeasuredShape.Problem(unit.Measured) is { } m ? "measured " + m : null);

    /// <summary>The row a unit holds.</summary>
    public static MutantRow FromUnit(SweepUnit unit) =>
        new(Text(unit.Result, "mutant")!, Text(unit.Result, "kind")!, Text(unit.Result, "detectedBy"), Text(unit.Result, "cost")!,
            Text(unit.Result, "replay"))
        {
            Problem = Text(unit.Result, "problem"),
            Seconds = unit.Measured?["seconds"]?.GetValue<double>(),
            Ratio = Text(unit.Measured, "ratio"),
            AsanStress = unit.Measured?["asanStress"]?.GetValue<bool>(),
            AsanReplay = Text(unit.Measured, "asanReplay"),
        };

    private static string? Text(JsonObject? json, string name) => json?[name]?.GetValue<string>();
}
