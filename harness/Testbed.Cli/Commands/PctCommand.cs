// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Scheduling;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed pct</c>: controlled interleaving exploration of the named scenarios on one
/// backend (PCT, random walk, bounded-preemption exhaustive search, or the uncontrolled
/// stress baseline), or <c>--replay</c> of one printed schedule. Exit 1 when a scenario
/// fails (its shrunk schedule and replay command are printed), 0 when none does, 2 on bad
/// usage, 3 when a --mutant's library is not built.
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

        var command = new Command("pct", "Controlled interleaving exploration (PCT) of the named concurrency scenarios, with replay.")
        {
            scenario, backend, strategy, seed, schedules, depth, preemptions, replay, json, config, mutant,
        };
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

            var failed = false;
            foreach (var s in chosen)
            {
                var result = kind == StrategyKind.Stress
                    ? new StressBaseline(factory, be).Run(s, parse.GetValue(schedules))
                    : new Explorer(factory, be).Explore(s, kind, parse.GetValue(seed), parse.GetValue(schedules),
                        parse.GetValue(depth), bound);
                failed |= result.Found;
                var target = (parse.GetValue(mutant) is { } name ? $"--mutant {name}" : $"--backend {be}") +
                    (parse.GetValue(config) is { } on ? $" --config {on}" : "");
                var replayCommand = result.Shrunk is { } shrunk
                    ? $"./scripts/testbed pct {target} --scenario {s.Name} --replay {shrunk.Run.Schedule}"
                    : null;
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(PctReport.From(result, replayCommand)));
                else
                    Print(result, s.Config, replayCommand);
            }
            return failed ? ExitCodes.Findings : ExitCodes.Clean;
        });
        return command;
    }

    private static void Print(ExplorationResult r, string config, string? replayCommand)
    {
        var seconds = r.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var what = r.Found ? "FAILS" : r.Exhausted ? "passes (space exhausted)" : "passes";
        Console.WriteLine($"{r.Scenario} ({r.Backend}, {config}, {r.Strategy.ToString().ToLowerInvariant()}): {what} after {r.Schedules} schedule(s), {r.Operations} operations, {seconds} s");
        if (r.Failure is not { } failure)
            return;
        foreach (var p in failure.Problems)
            Console.WriteLine($"  {p}");
        if (r.Shrunk is { } shrunk)
        {
            Console.WriteLine($"  schedule {failure.Run.Schedule} ({failure.Run.Preemptions} preemption(s), length {failure.Run.Schedule.Length})");
            Console.WriteLine($"  shrunk   {shrunk.Run.Schedule} ({shrunk.Run.Preemptions} preemption(s), length {shrunk.Run.Schedule.Length})");
            Console.WriteLine($"  replay: {replayCommand}");
        }
    }
}
