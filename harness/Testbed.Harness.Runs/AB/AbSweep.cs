// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Testbed.Harness.Sharding;

namespace Testbed.Harness.AB;

/// <summary>
/// An A/B run as a sweep: unit i is sequence i (seed + i) with its injection runs, its result
/// the <see cref="AbSequenceResult"/> as JSON; the summary is rebuilt from the units, so a
/// merge of shards summarises exactly what one run does.
/// </summary>
public static class AbSweep
{
    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "ab";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>As <see cref="Json"/>, refusing a missing field or a null where the record has none.</summary>
    private static readonly JsonSerializerOptions Strict = new(Json)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The units a result file's <paramref name="parameters"/> make: one per sequence.</summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters) => SweepParameters.Count(parameters, "sequences");

    /// <summary>Null when <paramref name="unit"/> is a whole <see cref="AbSequenceResult"/> of its own index; else what is wrong with it.</summary>
    public static string? CheckUnit(SweepUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        try
        {
            var sequence = unit.Result.Deserialize<AbSequenceResult>(Strict);
            return sequence?.Index == unit.Index ? null : $"\"index\" is {sequence?.Index}, not the unit's {unit.Index}";
        }
        catch (JsonException e)
        {
            return e.Message.Split(" | LineNumber", 2)[0];
        }
    }

    /// <summary>The parameters that define the sweep, as a result file holds them.</summary>
    public static SortedDictionary<string, string> Parameters(AbOptions options) => new(StringComparer.Ordinal)
    {
        ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["sequences"] = options.Sequences.ToString(CultureInfo.InvariantCulture),
        ["ops"] = options.Ops.ToString(CultureInfo.InvariantCulture),
        ["configs"] = $"{options.ConfigA},{options.ConfigB}",
        ["inject"] = options.Inject ? "true" : "false",
    };

    /// <summary>Runs sequence <paramref name="index"/>: its result and, measured, its seconds.</summary>
    public static SweepUnit Run(AbRunner runner, AbOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var clock = Stopwatch.StartNew();
        var sequence = runner.RunSequence(options, index);
        var result = JsonSerializer.SerializeToNode(sequence, Json)!.AsObject();
        return new SweepUnit(index, result, new JsonObject { ["seconds"] = clock.Elapsed.TotalSeconds });
    }

    /// <summary>The summary of the sequences <paramref name="file"/> holds (all of them for a whole or merged run).</summary>
    public static AbSummary Summary(SweepFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var configs = file.Parameters["configs"].Split(',');
        var sequences = file.Results.Select(u => u.Result.Deserialize<AbSequenceResult>(Json)
            ?? throw new InvalidDataException($"ab unit {u.Index}: no sequence result"));
        return AbSummary.Of(configs[0], configs[1], sequences);
    }
}
