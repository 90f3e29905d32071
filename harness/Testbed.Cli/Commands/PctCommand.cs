// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Testbed.Cli.Commands.Sweeps;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed pct</c>: controlled interleaving exploration of the named scenarios on one
/// backend (PCT, random walk, bounded-preemption exhaustive search, or the uncontrolled
/// stress baseline), or <c>--replay</c> of one printed schedule. Exit 1 when a scenario
/// fails (its shrunk schedule and replay command are printed), 0 when none does, 2 on bad
/// usage, 3 when a --mutant's library is not built. An exploration is a sweep
/// (<c>--shard k/n --result FILE</c>, merged by <c>testbed merge</c>): its units are
/// (scenario, schedule) with pct and random, scenarios with exhaustive and stress (see <see cref="PctSweep"/>).
/// </summary>
public static class PctCommand
{
    /// <summary>Creates the <c>pct</c> command.</summary>
    public static Command Create(AddressSpaceFactory defaultFactory)
    {
        var scenario = new Option<string>("--scenario")
        {
            Description = "Scenario name, or 'all': " + string.Join(", ", ScenarioCatalog.All.Select(s => s.Name)) + ".",
            DefaultValueFactory = _ => "all",
        };
        var backend = new Option<string>("--backend")
        {
            Description = "native or managed.",
            DefaultValueFactory = _ => AddressSpaceFactory.Native,
        };
        var strategy = new Option<string>("--strategy")
        {
            Description = "pct, random, exhaustive (preemption bound --preemptions) or stress (uncontrolled threads).",
            DefaultValueFactory = _ => "pct",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the schedules (schedule i uses a stream derived from seed and i).", DefaultValueFactory = _ => 1 };
        var schedules = new Option<int>("--schedules") { Description = "Schedules (or stress iterations) per scenario.", DefaultValueFactory = _ => 1000 };
        var depth = new Option<int>("--depth") { Description = "PCT depth d (d-1 priority change points).", DefaultValueFactory = _ => 3 };
        var preemptions = new Option<int>("--preemptions") { Description = "Preemption bound of the exhaustive search (0..2).", DefaultValueFactory = _ => 2 };
        var replay = new Option<string?>("--replay") { Description = "Replay this schedule (as printed) on --scenario instead of exploring." };
        var json = new Option<bool>("--json") { Description = "One JSON object per scenario instead of text." };
        var config = new Option<string?>("--config")
        {
            Description = "Run the scenarios on this design instead of their own: " + string.Join(", ", ScenarioCatalog.FaultDesigns) +
                " (the speculative-fault scenarios run on each; with --scenario all, the others are skipped).",
        };
        var mutant = new Option<string?>("--mutant") { Description = "Run against this catalog mutant (docs/mutants.md; a native one must be built); sets the backend." };
        var modelPatch = ModelPatchOption.Create();
        var shard = SweepOptions.Shard();
        shard.Description += " Units: (scenario, schedule) with pct and random; scenarios with exhaustive and stress.";
        var result = SweepOptions.Result();

        var command = new Command("pct", "Controlled interleaving exploration (PCT) of the named concurrency scenarios, with replay; shardable.")
        {
            scenario, backend, strategy, seed, schedules, depth, preemptions, replay, json, config, mutant, shard, result, modelPatch,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(mutant) is not null && r.GetResult(modelPatch) is not null)
                r.AddError("--mutant and --model-patch both choose the model's build: give one");
        });
        SweepOptions.RequireResultWithShard(command, shard, result);
        command.SetAction(parse =>
        {
            var factory = defaultFactory;
            var names = parse.GetValue(scenario)!;
            var be = parse.GetValue(backend)!;
            var kindText = parse.GetValue(strategy)!;
            var bound = parse.GetValue(preemptions);
            if (!Enum.TryParse<StrategyKind>(kindText, ignoreCase: true, out var kind) || parse.GetValue(schedules) < 1
                || parse.GetValue(depth) < 1 || bound is < 0 or > 2 || !AddressSpaceFactory.Backends.Contains(be))
            {
                Console.Error.WriteLine("pct: --strategy pct|random|exhaustive|stress, --backend native|managed, --schedules >= 1, --depth >= 1, --preemptions 0..2");
                return ExitCodes.Usage;
            }
            IReadOnlyList<PctScenario> chosen;
            try
            {
                chosen = names == "all" ? ScenarioCatalog.All : [ScenarioCatalog.Find(names)];
                if (parse.GetValue(config) is { } design)
                {
                    if (!ScenarioCatalog.FaultDesigns.Contains(design))
                        throw new ArgumentException($"--config '{design}' is not one of {string.Join(", ", ScenarioCatalog.FaultDesigns)}");
                    chosen = names == "all"
                        ? chosen.Where(s => s.Config == design || s.Designs?.Contains(design) == true)
                            .Select(s => ScenarioCatalog.OnConfig(s, design)).ToList()
                        : [ScenarioCatalog.OnConfig(chosen[0], design)];
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"pct: {e.Message}");
                return ExitCodes.Usage;
            }
            if (parse.GetValue(mutant) is { } mutantName)
            {
                try
                {
                    var m = MutantCatalog.Find(mutantName);
                    factory = new MutantDetectors(m, RepoPaths.Root()).Factory;
                    be = m.Backend;
                    // a scenario that also runs on the mutant's design runs there (its library is the one built)
                    if (parse.GetValue(config) is null)
                        chosen = chosen.Select(s => s.Config != m.Config && s.Designs?.Contains(m.Config) == true
                            ? ScenarioCatalog.OnConfig(s, m.Config) : s).ToList();
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine($"pct: {e.Message}");
                    return ExitCodes.Usage;
                }
                catch (FileNotFoundException e)
                {
                    Console.Error.WriteLine($"pct: {e.Message}");
                    return ExitCodes.Failed;
                }
            }
            if (ModelPatchOption.Apply("pct", parse.GetValue(modelPatch), chosen.Select(s => s.Config), "release") is { } patchFailed)
                return patchFailed;
            chosen = chosen.Where(s => factory.IsAvailable(be, s.Config)).ToList();

            if (parse.GetValue(replay) is { } text)
            {
                if (chosen.Count != 1)
                {
                    Console.Error.WriteLine("pct: --replay needs one available --scenario");
                    return ExitCodes.Usage;
                }
                Schedule schedule;
                try
                {
                    schedule = Schedule.Parse(text);
                }
                catch (FormatException e)
                {
                    Console.Error.WriteLine($"pct: {e.Message}");
                    return ExitCodes.Usage;
                }
                var outcome = new Explorer(factory, be).Replay(chosen[0], schedule);
                Console.WriteLine($"replay {chosen[0].Name} ({be}, {chosen[0].Config}) {schedule}: {(outcome.Failed ? "FAILS" : "passes")}, " +
                    $"{outcome.Run.Decisions.Count} decisions, {outcome.Run.Preemptions} preemption(s)");
                foreach (var p in outcome.Problems)
                    Console.WriteLine($"  {p}");
                Console.WriteLine(outcome.Run.Trace);
                return outcome.Failed ? ExitCodes.Findings : ExitCodes.Clean;
            }

            if (PctSweep.IsPerSchedule(kind) && (long)chosen.Count * parse.GetValue(schedules) > int.MaxValue)
            {
                Console.Error.WriteLine($"pct: scenarios × --schedules is more than {int.MaxValue} units; cut --schedules");
                return ExitCodes.Usage;
            }
            var target = (parse.GetValue(mutant) is { } name ? $"--mutant {name}" : $"--backend {be}") +
                (parse.GetValue(config) is { } on ? $" --config {on}" : "");
            var sweep = new PctSweep(factory, be, chosen, kind, parse.GetValue(seed), parse.GetValue(schedules),
                parse.GetValue(depth), bound, target);
            var part = parse.GetValue(shard);
            return SweepRun.Execute(PctSweep.Kind, sweep.Parameters(), sweep.Units, part, parse.GetValue(result), () => sweep.Run(part),
                parse.GetValue(json) ? ReportJson : Report);
        });
        return command;
    }

    /// <summary>
    /// Prints the report of a pct sweep (whole, merged or one shard), a paragraph per scenario:
    /// its verdict after the schedules counted (up to its first failure), the failure's problems,
    /// schedule, shrunk schedule and replay command. Returns 1 when any scenario failed.
    /// </summary>
    public static int Report(SweepFile file)
    {
        var scenarios = Scenarios(file);
        foreach (var s in scenarios)
            Print(s);
        return scenarios.Any(s => s.Report.Found) ? ExitCodes.Findings : ExitCodes.Clean;
    }

    /// <summary>As <see cref="Report"/>, one JSON object (<see cref="PctReport"/>) a line per scenario.</summary>
    public static int ReportJson(SweepFile file)
    {
        var scenarios = Scenarios(file);
        foreach (var s in scenarios)
            Console.WriteLine(JsonSerializer.Serialize(s.Report));
        return scenarios.Any(s => s.Report.Found) ? ExitCodes.Findings : ExitCodes.Clean;
    }

    /// <summary>What one scenario of a sweep file gave: its report line, its config, the failing unit's result.</summary>
    private sealed record ScenarioSummary(PctReport Report, string Config, JsonObject? Failure, bool Exhausted);

    private static List<ScenarioSummary> Scenarios(SweepFile file)
    {
        var p = file.Parameters;
        var strategy = Enum.Parse<StrategyKind>(p["strategy"], ignoreCase: true);
        var perSchedule = PctSweep.IsPerSchedule(strategy);
        var schedules = int.Parse(p["schedules"], CultureInfo.InvariantCulture);
        var summaries = new List<ScenarioSummary>();
        foreach (var (entry, s) in p["scenarios"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select((e, i) => (e, i)))
        {
            var name = entry[..entry.IndexOf('@', StringComparison.Ordinal)];
            var config = entry[(entry.IndexOf('@', StringComparison.Ordinal) + 1)..];
            var units = file.Results.Where(u => (perSchedule ? u.Index / schedules : u.Index) == s).OrderBy(u => u.Index).ToList();
            if (units.Count == 0)
                continue;
            if (strategy == StrategyKind.Stress)
            {
                // Uncontrolled: everything it found is a measurement (run-dependent).
                var m = units[0].Measured!;
                var problems = m["problems"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
                var found = m["outcome"]!.GetValue<string>() == PctSweep.Fails;
                summaries.Add(new(new PctReport(name, p["backend"], p["strategy"], found, Number(m, "iterations"), Long(m, "operations"),
                    Seconds(units), null, null, problems, null), config, null, false));
                continue;
            }
            var counted = units.Where(u => PctSweep.Outcome(u.Result) != PctSweep.Skipped).ToList();
            var failing = counted.FirstOrDefault(u => PctSweep.Outcome(u.Result) == PctSweep.Fails);
            if (perSchedule && failing is not null)
                counted = counted.TakeWhile(u => u.Index <= failing.Index).ToList();
            var failure = failing?.Result;
            var report = new PctReport(name, p["backend"], p["strategy"], failure is not null,
                perSchedule ? counted.Count : Number(units[0].Result, "schedules"),
                perSchedule ? counted.Sum(u => Long(u.Result, "operations")) : Long(units[0].Result, "operations"),
                Seconds(counted),
                failure?["run"]?["schedule"]?.GetValue<string>(), failure?["shrunk"]?["schedule"]?.GetValue<string>(),
                failure?["problems"]?.AsArray().Select(x => x!.GetValue<string>()).ToList() ?? [],
                failure?["replay"]?.GetValue<string>());
            summaries.Add(new(report, config, failure, !perSchedule && units[0].Result["exhausted"]!.GetValue<bool>()));
        }
        return summaries;

        static int Number(JsonObject o, string name) => o[name]!.GetValue<int>();
        static long Long(JsonObject o, string name) => o[name]!.GetValue<long>();
        static double Seconds(IEnumerable<SweepUnit> units) => units.Sum(u => u.Measured?["seconds"]?.GetValue<double>() ?? 0);
    }

    private static void Print(ScenarioSummary s)
    {
        var r = s.Report;
        var seconds = r.Seconds.ToString("0.000", CultureInfo.InvariantCulture);
        var what = r.Found ? "FAILS" : s.Exhausted ? "passes (space exhausted)" : "passes";
        Console.WriteLine($"{r.Scenario} ({r.Backend}, {s.Config}, {r.Strategy}): {what} after {r.Schedules} schedule(s), {r.Operations} operations, {seconds} s");
        foreach (var p in r.Problems)
            Console.WriteLine($"  {p}");
        if (s.Failure?["shrunk"] is JsonObject shrunk && s.Failure["run"] is JsonObject run)
        {
            Console.WriteLine($"  schedule {Describe(run)}");
            Console.WriteLine($"  shrunk   {Describe(shrunk)}");
            Console.WriteLine($"  replay: {r.Replay}");
        }

        static string Describe(JsonObject o) =>
            $"{o["schedule"]!.GetValue<string>()} ({o["preemptions"]!.GetValue<int>()} preemption(s), length {o["length"]!.GetValue<int>()})";
    }
}
