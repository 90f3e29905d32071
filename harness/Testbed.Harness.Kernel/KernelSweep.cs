// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Testbed.Harness.Sharding;

namespace Testbed.Harness.Kernel;

/// <summary>
/// `testbed kernel` as a sharded sweep: unit i is sequence i (it depends only on the options and
/// i, so a shard runs its sequences in one boot and compares them as the whole batch would).
/// A unit's result is its <see cref="KernelSequenceOutcome"/> plus where it ran, the kernel
/// release and the model's merge order (what it was compared against). The problems of a run as a
/// whole (guest errors, a guest that did not finish) are failures, not a function of the index:
/// they go, when there are any, on the run's first unit. Its measured part is the model's time, and on
/// the shard's first unit the boot's times. <see cref="ToReport"/> sums any whole or merged
/// file back into the <see cref="KernelComparisonReport"/> a single run prints.
/// </summary>
public static class KernelSweep
{
    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "kernel";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly JsonSerializerOptions Strict = new(Json) { RespectNullableAnnotations = true };

    private static readonly JsonShape ResultShape = new JsonShape()
        .Integer("operations").Integer("matches").Object("knownDifferences", new JsonShape()).Integer("differences")
        .Integer("skipped").Integer("mbinds").Number("raceTouches").Number("raceUnexpected").Texts("errors")
        .Text("where").Text("kernel").Text("modelRules").Texts("runErrors", optional: true);

    private static readonly JsonShape MeasuredShape = new JsonShape()
        .Number("modelSeconds", optional: true).Number("bootSeconds", optional: true).Number("guestSeconds", optional: true)
        .Number("guestSequences", optional: true).Number("kernelWallSeconds", optional: true)
        .Number("vmaLockSuccess", optional: true).Number("vmaLockAbort", optional: true).Number("vmaLockRetry", optional: true)
        .Number("vmaLockMiss", optional: true).Number("vmaLockRaceSteps", optional: true);

    /// <summary>The units a result file's <paramref name="parameters"/> make: one per sequence.</summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters) => SweepParameters.Count(parameters, "sequences");

    /// <summary>Null when <paramref name="unit"/> holds a whole <see cref="KernelSequenceOutcome"/> and what the report reads; else what is wrong.</summary>
    public static string? CheckUnit(SweepUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if ((ResultShape.Problem(unit.Result) ?? (unit.Measured is null ? null : MeasuredShape.Problem(unit.Measured))) is { } problem)
            return problem;
        try
        {
            unit.Result.Deserialize<KernelSequenceOutcome>(Strict);
            return null;
        }
        catch (JsonException e)
        {
            return e.Message.Split(" | LineNumber", 2)[0];
        }
    }

    /// <summary>The units of one run (a shard or the whole batch), in batch order.</summary>
    public static IReadOnlyList<SweepUnit> Units(KernelCheckRun check)
    {
        var units = new List<SweepUnit>(check.Sequences.Count);
        foreach (var outcome in check.Sequences)
        {
            var result = JsonSerializer.SerializeToNode(outcome, Json)!.AsObject();
            result["where"] = check.Report.Where;
            result["kernel"] = check.Report.KernelRelease;
            result["modelRules"] = check.Report.ModelRules;
            var measured = new JsonObject { ["modelSeconds"] = outcome.ModelTime.TotalSeconds };
            if (units.Count == 0)
            {
                if (check.RunErrors.Count > 0)
                    result["runErrors"] = new JsonArray([.. check.RunErrors.Select(e => (JsonNode)e)]);
                measured["bootSeconds"] = check.Run.BootTime.TotalSeconds;
                measured["guestSeconds"] = check.Run.Report.GuestTime.TotalSeconds;
                measured["guestSequences"] = (double)check.Run.Report.FinishedSequences;
                measured["kernelWallSeconds"] = check.Run.WallTime.TotalSeconds;
                if (check.Run.Report.VmaLock is { } locks)
                {
                    measured["vmaLockSuccess"] = (double)locks.Success;
                    measured["vmaLockAbort"] = (double)locks.Abort;
                    measured["vmaLockRetry"] = (double)locks.Retry;
                    measured["vmaLockMiss"] = (double)locks.Miss;
                    measured["vmaLockRaceSteps"] = (double)locks.RaceSteps;
                }
            }

            units.Add(new SweepUnit(outcome.Index, result, measured));
        }

        return units;
    }

    /// <summary>
    /// The report of a whole or merged file: the units' outcomes summed in index order, the
    /// boots' times summed. Units compared against different kernels are an error of the report.
    /// </summary>
    public static KernelComparisonReport ToReport(SweepFile file)
    {
        var units = file.Results.OrderBy(u => u.Index).ToList();
        var outcomes = units.Select(u => JsonSerializer.Deserialize<KernelSequenceOutcome>(u.Result, Json)! with
        {
            Index = u.Index,
            ModelTime = TimeSpan.FromSeconds(Number(u.Measured, "modelSeconds")),
        }).ToList();
        var runErrors = units.SelectMany(u => u.Result["runErrors"]?.AsArray().Select(e => e!.GetValue<string>()) ?? []).ToList();
        var where = Distinct(units, "where");
        var kernel = Distinct(units, "kernel");
        if (kernel.Contains(", ", StringComparison.Ordinal) || where.Contains(", ", StringComparison.Ordinal))
            runErrors.Insert(0, $"the sequences were compared against different kernels: {where} ({kernel})");

        var boots = units.Where(u => u.Measured?["kernelWallSeconds"] is not null).Select(u => u.Measured).ToList();
        var guestSeconds = boots.Sum(m => Number(m, "guestSeconds"));
        var guestSequences = boots.Sum(m => Number(m, "guestSequences"));
        var seed = file.Parameters.TryGetValue("seed", out var s) ? ulong.Parse(s, CultureInfo.InvariantCulture) : 0;
        return KernelComparisonReport.FromSequences(seed, Distinct(units, "modelRules"), outcomes, runErrors) with
        {
            Where = where,
            KernelRelease = kernel,
            Boots = boots.Count,
            BootTime = TimeSpan.FromSeconds(boots.Sum(m => Number(m, "bootSeconds"))),
            GuestRunTime = TimeSpan.FromSeconds(guestSeconds),
            GuestSequencesPerSecond = guestSeconds > 0 ? guestSequences / guestSeconds : 0,
            KernelWallTime = TimeSpan.FromSeconds(boots.Sum(m => Number(m, "kernelWallSeconds"))),
            VmaLock = VmaLockOf(boots),
        };
    }

    /// <summary>The boots' per-VMA lock statistics summed; null when no boot had them.</summary>
    private static VmaLockCounts? VmaLockOf(IEnumerable<JsonObject?> boots)
    {
        VmaLockCounts? sum = null;
        foreach (var m in boots.Where(m => m?["vmaLockRaceSteps"] is not null))
        {
            var c = new VmaLockCounts((ulong)Number(m, "vmaLockSuccess"), (ulong)Number(m, "vmaLockAbort"),
                (ulong)Number(m, "vmaLockRetry"), (ulong)Number(m, "vmaLockMiss"), (int)Number(m, "vmaLockRaceSteps"));
            sum = sum is null ? c : sum.Add(c);
        }

        return sum;
    }

    private static string Distinct(IEnumerable<SweepUnit> units, string name) =>
        string.Join(", ", units.Select(u => u.Result[name]?.GetValue<string>() ?? "").Distinct(StringComparer.Ordinal));

    private static double Number(JsonObject? measured, string name) => measured?[name]?.GetValue<double>() ?? 0;
}
