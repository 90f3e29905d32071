// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Testbed.Harness.Backends;
using Testbed.Harness.Sharding;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// A <c>testbed pct</c> exploration as a sweep. With pct and random the units are
/// (scenario, schedule), scenario first: schedule i depends on the seed and i alone
/// (<see cref="Explorer.Schedules"/>). A run stops a scenario at its first failing schedule
/// and records the rest of that scenario's units as skipped; a shard does the same with its
/// own units, and <see cref="Canonical"/> makes a merge equal to one run: per scenario the
/// smallest failing schedule is the first failure, its schedules counted up to it, and the
/// units after it are skipped. With exhaustive (each prefix follows from the runs before)
/// and stress the units are the scenarios; stress is uncontrolled, so what it found goes in
/// the measurements, never in the compared results.
/// </summary>
public sealed class PctSweep
{
    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "pct";

    private readonly AddressSpaceFactory factory;

    /// <summary>A sweep of <paramref name="scenarios"/> on <paramref name="backend"/>.</summary>
    /// <param name="factory">Creates the address spaces (a mutant's factory for --mutant).</param>
    /// <param name="backend">native or managed.</param>
    /// <param name="scenarios">The scenarios, already moved to their config.</param>
    /// <param name="strategy">pct, random, exhaustive or stress.</param>
    /// <param name="seed">Seed of the schedules.</param>
    /// <param name="schedules">Schedules (stress: iterations) per scenario.</param>
    /// <param name="depth">PCT depth.</param>
    /// <param name="preemptions">The exhaustive search's preemption bound.</param>
    /// <param name="target">How the replay command names the target: "--backend native", "--mutant m --config c".</param>
    public PctSweep(AddressSpaceFactory factory, string backend, IReadOnlyList<PctScenario> scenarios, StrategyKind strategy,
        ulong seed, int schedules, int depth, int preemptions, string target)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(schedules);
        this.factory = factory;
        Backend = backend;
        Scenarios = scenarios;
        Strategy = strategy;
        Seed = seed;
        ScheduleCount = schedules;
        Depth = depth;
        Preemptions = preemptions;
        Target = target;
    }

    /// <summary>native or managed.</summary>
    public string Backend { get; }

    /// <summary>The scenarios, in order.</summary>
    public IReadOnlyList<PctScenario> Scenarios { get; }

    /// <summary>The strategy.</summary>
    public StrategyKind Strategy { get; }

    /// <summary>Seed of the schedules.</summary>
    public ulong Seed { get; }

    /// <summary>Schedules (stress: iterations) per scenario.</summary>
    public int ScheduleCount { get; }

    /// <summary>PCT depth.</summary>
    public int Depth { get; }

    /// <summary>Preemption bound of the exhaustive search.</summary>
    public int Preemptions { get; }

    /// <summary>The replay command's target options.</summary>
    public string Target { get; }

    /// <summary>Whether each schedule is a unit (pct, random) rather than each scenario.</summary>
    public bool PerSchedule => IsPerSchedule(Strategy);

    /// <summary>Units in the whole sweep.</summary>
    public int Units => PerSchedule ? checked(Scenarios.Count * ScheduleCount) : Scenarios.Count;

    /// <summary>The parameters that define the sweep, as a result file holds them.</summary>
    public SortedDictionary<string, string> Parameters() => new(StringComparer.Ordinal)
    {
        ["target"] = Target,
        ["backend"] = Backend,
        ["scenarios"] = string.Join(",", Scenarios.Select(s => $"{s.Name}@{s.Config}")),
        ["strategy"] = Name(Strategy),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["schedules"] = ScheduleCount.ToString(CultureInfo.InvariantCulture),
        ["depth"] = Depth.ToString(CultureInfo.InvariantCulture),
        ["preemptions"] = Preemptions.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Runs <paramref name="shard"/>'s units, ascending.</summary>
    public IReadOnlyList<SweepUnit> Run(Shard shard)
    {
        var units = new List<SweepUnit>();
        var owned = shard.Units(Units).ToList();
        if (!PerSchedule)
        {
            units.AddRange(owned.Select(RunScenario));
            return units;
        }
        var explorer = new Explorer(factory, Backend);
        foreach (var group in owned.GroupBy(u => u / ScheduleCount))
        {
            var scenario = Scenarios[group.Key];
            var schedules = group.Select(u => u % ScheduleCount).ToList();
            var ran = 0;
            foreach (var schedule in explorer.Schedules(scenario, Strategy, Seed, schedules, Depth))
            {
                units.Add(new SweepUnit(group.Key * ScheduleCount + schedule.Index, ScheduleResult(scenario, schedule),
                    new JsonObject { ["seconds"] = schedule.Elapsed.TotalSeconds }));
                ran++;
                if (schedule.Outcome.Failed)
                    break;
            }
            // This shard's schedules after its first failure: not needed, whichever shard holds the sweep's first.
            units.AddRange(schedules.Skip(ran).Select(i => new SweepUnit(group.Key * ScheduleCount + i, SkippedResult(scenario.Name, i))));
        }
        return units;
    }

    private static readonly JsonShape Described = new JsonShape().Text("schedule").Int("preemptions").Int("length");

    private static readonly JsonShape FailureShape = new JsonShape()
        .Texts("problems").Object("run", Described).Object("shrunk", Described, optional: true).Text("replay", optional: true);

    private static readonly JsonShape ScheduleShape = new JsonShape().Text("scenario").Int("schedule").Text("outcome");

    private static readonly JsonShape RanScheduleShape = new JsonShape().Text("config").Integer("operations");

    private static readonly JsonShape SearchShape = new JsonShape()
        .Text("scenario").Text("config").Int("schedules").Integer("operations").Flag("exhausted").Text("outcome");

    private static readonly JsonShape StressShape = new JsonShape().Text("scenario").Text("config");

    private static readonly JsonShape StressMeasuredShape = new JsonShape()
        .Text("outcome").Int("iterations").Integer("operations").Texts("problems").Number("seconds", optional: true);

    private static readonly JsonShape MeasuredShape = new JsonShape().Number("seconds", optional: true);

    /// <summary>
    /// The units a result file's <paramref name="parameters"/> make: scenarios × schedules with
    /// pct and random, the scenarios with exhaustive and stress.
    /// </summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters)
    {
        var scenarios = SweepParameters.ListLength(parameters, "scenarios");
        return IsPerSchedule(StrategyOf(parameters)) ? (long)scenarios * SweepParameters.Count(parameters, "schedules") : scenarios;
    }

    /// <summary>
    /// Null when <paramref name="unit"/> of a sweep with <paramref name="parameters"/> holds what
    /// <see cref="Canonical"/> and the report read for its strategy and outcome; else what is wrong with it.
    /// </summary>
    public static string? CheckUnit(IReadOnlyDictionary<string, string> parameters, SweepUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var strategy = StrategyOf(parameters);
        if (strategy == StrategyKind.Stress)
            return StressShape.Problem(unit.Result) ?? (unit.Measured is null ? "no \"measured\" (a stress run's verdict)" : StressMeasuredShape.Problem(unit.Measured));
        if (unit.Measured is not null && MeasuredShape.Problem(unit.Measured) is { } measured)
            return "measured " + measured;
        var shape = IsPerSchedule(strategy) ? ScheduleShape : SearchShape;
        if (shape.Problem(unit.Result) is { } problem)
            return problem;
        var outcome = Outcome(unit.Result);
        if (outcome is not (Passes or Fails) && !(outcome == Skipped && IsPerSchedule(strategy)))
            return $"\"outcome\" is '{outcome}', not {(IsPerSchedule(strategy) ? "passes, fails or skipped" : "passes or fails")}";
        if (IsPerSchedule(strategy) && outcome != Skipped && RanScheduleShape.Problem(unit.Result) is { } ran)
            return ran;
        return outcome == Fails ? FailureShape.Problem(unit.Result) : null;
    }

    /// <summary>Whether <paramref name="strategy"/>'s units are schedules (pct, random) rather than scenarios.</summary>
    public static bool IsPerSchedule(StrategyKind strategy) => strategy is StrategyKind.Pct or StrategyKind.Random;

    /// <summary>The lower-case name of <paramref name="strategy"/>.</summary>
    public static string Name(StrategyKind strategy) => strategy.ToString().ToLowerInvariant();

    /// <summary>
    /// <paramref name="file"/> as one run would have written it: with pct and random, each
    /// scenario's units after its smallest failing schedule become skipped (a shard that
    /// found no earlier failure of its own ran some of them). Other files are returned as they are.
    /// </summary>
    public static SweepFile Canonical(SweepFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!IsPerSchedule(Enum.Parse<StrategyKind>(file.Parameters["strategy"], ignoreCase: true)))
            return file;
        var firstFailure = file.Results.Where(u => Outcome(u.Result) == Fails)
            .GroupBy(u => Text(u.Result, "scenario"))
            .ToDictionary(g => g.Key, g => g.Min(u => Int(u.Result, "schedule")), StringComparer.Ordinal);
        return file with
        {
            Results = [.. file.Results.Select(u =>
                firstFailure.TryGetValue(Text(u.Result, "scenario"), out var first) && Int(u.Result, "schedule") > first
                    && Outcome(u.Result) != Skipped
                    ? u with { Result = SkippedResult(Text(u.Result, "scenario"), Int(u.Result, "schedule")) }
                    : u)],
        };
    }

    /// <summary>The outcome a unit's result names: passes, fails or skipped.</summary>
    public static string Outcome(JsonObject result) => Text(result, "outcome");

    /// <summary>A unit that ran and failed.</summary>
    public const string Fails = "fails";

    /// <summary>A unit that ran and passed.</summary>
    public const string Passes = "passes";

    /// <summary>A schedule after its scenario's first failure: not run (not needed).</summary>
    public const string Skipped = "skipped";

    private JsonObject ScheduleResult(PctScenario scenario, ScheduleOutcome schedule)
    {
        var result = new JsonObject
        {
            ["scenario"] = scenario.Name,
            ["config"] = scenario.Config,
            ["schedule"] = schedule.Index,
            ["operations"] = (long)scenario.Operations,
            ["outcome"] = schedule.Outcome.Failed ? Fails : Passes,
        };
        if (schedule.Outcome.Failed)
            AddFailure(result, scenario, schedule.Outcome, schedule.Shrunk);
        return result;
    }

    private static JsonObject SkippedResult(string scenario, int schedule) => new()
    {
        ["scenario"] = scenario,
        ["schedule"] = schedule,
        ["outcome"] = Skipped,
    };

    private SweepUnit RunScenario(int index)
    {
        var scenario = Scenarios[index];
        var clock = Stopwatch.StartNew();
        if (Strategy == StrategyKind.Stress)
        {
            // Uncontrolled: whether and when it fails differs run to run, so all of it is measured.
            var stress = new StressBaseline(factory, Backend).Run(scenario, ScheduleCount);
            return new SweepUnit(index, new JsonObject { ["scenario"] = scenario.Name, ["config"] = scenario.Config },
                new JsonObject
                {
                    ["outcome"] = stress.Found ? Fails : Passes,
                    ["iterations"] = stress.Schedules,
                    ["operations"] = stress.Operations,
                    ["problems"] = new JsonArray([.. (stress.Failure?.Problems ?? []).Select(p => JsonValue.Create(p))]),
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                });
        }
        var search = new Explorer(factory, Backend).Explore(scenario, Strategy, Seed, ScheduleCount, Depth, Preemptions);
        var result = new JsonObject
        {
            ["scenario"] = scenario.Name,
            ["config"] = scenario.Config,
            ["schedules"] = search.Schedules,
            ["operations"] = search.Operations,
            ["exhausted"] = search.Exhausted,
            ["outcome"] = search.Found ? Fails : Passes,
        };
        if (search.Failure is { } failure)
            AddFailure(result, scenario, failure, search.Shrunk);
        return new SweepUnit(index, result, new JsonObject { ["seconds"] = search.Elapsed.TotalSeconds });
    }

    private void AddFailure(JsonObject result, PctScenario scenario, RunOutcome failure, RunOutcome? shrunk)
    {
        result["problems"] = new JsonArray([.. failure.Problems.Select(p => JsonValue.Create(p))]);
        result["run"] = Describe(failure);
        result["shrunk"] = shrunk is null ? null : Describe(shrunk);
        result["replay"] = shrunk is null ? null : $"./scripts/testbed pct {Target} --scenario {scenario.Name} --replay {shrunk.Run.Schedule}";
    }

    private static JsonObject Describe(RunOutcome outcome) => new()
    {
        ["schedule"] = outcome.Run.Schedule.ToString(),
        ["preemptions"] = outcome.Run.Preemptions,
        ["length"] = outcome.Run.Schedule.Length,
    };

    private static StrategyKind StrategyOf(IReadOnlyDictionary<string, string> parameters)
    {
        var text = SweepParameters.Text(parameters, "strategy");
        return Enum.TryParse<StrategyKind>(text, ignoreCase: true, out var strategy) && Enum.IsDefined(strategy)
            ? strategy
            : throw new InvalidDataException($"parameter \"strategy\" is '{text}', not pct, random, exhaustive or stress");
    }

    private static string Text(JsonObject result, string name) => result[name]!.GetValue<string>();

    private static int Int(JsonObject result, string name) => result[name]!.GetValue<int>();
}
