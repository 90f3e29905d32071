// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Text.Json;
using Testbed.Cli.Commands.Sweeps;
using Testbed.CommandLine;
using Testbed.Contract;
using Testbed.Harness.AB;
using Testbed.Harness.Backends;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed ab</c>: the nommu __free_vma A/B check. Runs the same seeded sequences on two
/// native configs (default nommu-orig and nommu), with an allocation-failure sweep, and
/// compares results, layouts and lifecycle traces event by event. Each sequence is a unit of
/// a sweep (<c>--shard k/n --result FILE</c>, merged by <c>testbed merge</c>).
/// </summary>
public static class AbCommand
{
    /// <summary>Creates the <c>ab</c> command.</summary>
    public static Command Create()
    {
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the first sequence (sequence i uses seed + i); printed with every difference.",
            DefaultValueFactory = _ => 1,
        };
        var sequences = OptionRules.AtLeast(new Option<int>("--sequences")
        {
            Description = "Number of seeded sequences (>= 1).",
            DefaultValueFactory = _ => 100,
        }, 1);
        var ops = OptionRules.AtLeast(new Option<int>("--ops")
        {
            Description = "Random operations per sequence (>= 4), before the teardown that unmaps everything.",
            DefaultValueFactory = _ => 40,
        }, 4);
        var configs = new Option<string>("--configs")
        {
            Description = "The two native configs to compare, A,B (A is the reference).",
            DefaultValueFactory = _ => "nommu-orig,nommu",
        };
        configs.Validators.Add(r =>
        {
            var pair = (r.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair.Any(string.IsNullOrEmpty))
                r.AddError($"--configs needs two configs as A,B (got '{r.GetValueOrDefault<string>()}')");
            // The A/B compares nommu's lifecycles: an MMU config answers other
            // semantics, and every difference would be a false finding.
            foreach (var mmu in pair.Where(c => ConfigRegistry.Find(c) is { Mmu: true }))
                r.AddError($"--configs {mmu} is an MMU config: the A/B compares nommu configs ({string.Join(", ", ConfigRegistry.All.Where(c => !c.Mmu).Select(c => c.Name))})");
        });
        var noInject = new Option<bool>("--no-inject")
        {
            Description = "Skip the allocation-failure sweep (k = 1..N for every sequence).",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the summary as JSON instead of text.",
        };
        var shard = SweepOptions.Shard();
        var result = SweepOptions.Result();

        var command = new Command("ab", "A/B check of the generalized __free_vma: nommu-orig vs nommu, under fault injection; shardable by sequence.")
        {
            seed, sequences, ops, configs, noInject, json, shard, result,
        };
        SweepOptions.RequireResultWithShard(command, shard, result);
        command.SetAction(parse =>
        {
            var pair = parse.GetValue(configs)!.Split(',', StringSplitOptions.TrimEntries);
            var built = NativeAddressSpace.AvailableConfigs();
            if (pair.FirstOrDefault(c => !built.Contains(c)) is { } missing)
            {
                Console.Error.WriteLine($"testbed ab: no native library for config '{missing}' here (built: {string.Join(", ", built)})");
                return ExitCodes.Usage;
            }

            var options = new AbOptions(parse.GetValue(seed), parse.GetValue(sequences), parse.GetValue(ops),
                pair[0], pair[1], !parse.GetValue(noInject));
            var runner = new AbRunner(config => new NativeAddressSpace(config));
            return SweepRun.Execute(AbSweep.Kind, AbSweep.Parameters(options), options.Sequences, parse.GetValue(shard),
                parse.GetValue(result), i => AbSweep.Run(runner, options, i), parse.GetValue(json) ? ReportJson : Report);
        });
        return command;
    }

    /// <summary>Prints the summary of an A/B sweep (whole, merged or one shard) as text; 1 when anything differed.</summary>
    public static int Report(SweepFile file)
    {
        var summary = AbSweep.Summary(file);
        Print(summary);
        return Exit(summary);
    }

    /// <summary>As <see cref="Report"/>, the summary as JSON.</summary>
    public static int ReportJson(SweepFile file)
    {
        var summary = AbSweep.Summary(file);
        Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        return Exit(summary);
    }

    private static int Exit(AbSummary summary) => summary.Differences.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;

    private static void Print(AbSummary s)
    {
        Console.WriteLine($"A/B {s.ConfigA} vs {s.ConfigB}");
        Console.WriteLine($"  sequences         {s.Sequences}");
        Console.WriteLine($"  runs              {s.Runs}");
        Console.WriteLine($"  operations        {s.Operations}");
        Console.WriteLine($"  injected failures {s.InjectedFailures}");
        Console.WriteLine($"  error paths hit   {s.ErrorPaths.Count}");
        Console.WriteLine($"  events compared   {s.EventsCompared}");
        Console.WriteLine($"  reordered ops     {s.ReorderedOps} (same per-object history, different interleaving)");
        Console.WriteLine($"  differences       {s.Differences.Count}");
        foreach (var path in s.ErrorPaths)
        {
            Console.WriteLine($"    path: {path}");
        }

        foreach (var d in s.Differences.Take(5))
        {
            Console.WriteLine(d);
        }
    }
}
