// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Testbed.Harness.Backends;
using Testbed.Harness.Sharding;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Differential;

/// <summary>
/// The sequential differential (<see cref="SequentialDifferential.RunToExit"/>, native vs
/// managed) over a seed sweep: every config × mix × seed is one unit, enumerated config
/// first, then mix, then seed (seeds <see cref="Seed"/>..<see cref="Seed"/> + <see cref="Seeds"/> - 1).
/// A unit's result is a pure function of the sweep and its index, so the units can run on
/// any machine, in any shard, and merge into the report one run gives.
/// </summary>
/// <param name="Seed">The first seed.</param>
/// <param name="Seeds">How many seeds (>= 1).</param>
/// <param name="Configs">The configs, in the order given.</param>
/// <param name="Mixes">The mixes, in the order given.</param>
/// <param name="Ops">Operations of each run's single stream.</param>
public sealed record DifferentialSweep(ulong Seed, int Seeds, IReadOnlyList<string> Configs, IReadOnlyList<WorkloadMix> Mixes, int Ops)
{
    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "differential";

    /// <summary>Units in the whole sweep.</summary>
    public int Units => Configs.Count * Mixes.Count * Seeds;

    private static readonly JsonShape ResultShape = new JsonShape()
        .Text("config").Text("mix").Number("seed").Flag("agreed").Int("operations")
        .Text("divergence", optional: true).Text("replay", optional: true);

    /// <summary>The units a result file's <paramref name="parameters"/> make: seeds × configs × mixes.</summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters) =>
        (long)SweepParameters.Count(parameters, "seeds") * SweepParameters.ListLength(parameters, "configs")
        * SweepParameters.ListLength(parameters, "mixes");

    /// <summary>Null when <paramref name="unit"/> holds what the report reads; else what is wrong with it.</summary>
    public static string? CheckUnit(SweepUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (ResultShape.Problem(unit.Result) is { } problem)
            return problem;
        return !unit.Result["agreed"]!.GetValue<bool>() && unit.Result["divergence"] is null ? "a run that differed without its \"divergence\"" : null;
    }

    /// <summary>The parameters that define the sweep, as a result file holds them.</summary>
    public SortedDictionary<string, string> Parameters() => new(StringComparer.Ordinal)
    {
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["seeds"] = Seeds.ToString(CultureInfo.InvariantCulture),
        ["configs"] = string.Join(",", Configs),
        ["mixes"] = string.Join(",", Mixes.Select(m => m.Name())),
        ["ops"] = Ops.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The config, mix and seed of unit <paramref name="index"/>.</summary>
    public (string Config, WorkloadMix Mix, ulong Seed) Unit(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Units);
        var seed = index % Seeds;
        var rest = index / Seeds;
        return (Configs[rest / Mixes.Count], Mixes[rest % Mixes.Count], unchecked(Seed + (ulong)seed));
    }

    /// <summary>
    /// Runs unit <paramref name="index"/> on fresh native and managed address spaces from
    /// <paramref name="factory"/>: its result (config, mix, seed, agreed, operations, the
    /// divergence, the replay command) and, measured, its seconds.
    /// </summary>
    public SweepUnit Run(AddressSpaceFactory factory, int index)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var (config, mix, seed) = Unit(index);
        var clock = Stopwatch.StartNew();
        DifferentialResult run;
        using (var native = factory.Create(AddressSpaceFactory.Native, config))
        using (var managed = factory.Create(AddressSpaceFactory.Managed, config))
            run = SequentialDifferential.RunToExit(native, managed, new Workload(mix, seed, 1, Ops));
        var result = new JsonObject
        {
            ["config"] = config,
            ["mix"] = mix.Name(),
            ["seed"] = seed,
            ["agreed"] = run.Agreed,
            ["operations"] = run.OperationsCompared,
            ["divergence"] = run.Agreed ? null : run.Describe(),
            ["replay"] = run.ReplayCommand,
        };
        return new SweepUnit(index, result, new JsonObject { ["seconds"] = clock.Elapsed.TotalSeconds });
    }
}
