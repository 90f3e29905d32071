// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Text.Json;
using Testbed.Harness.AB;
using Testbed.Harness.Backends;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed ab</c>: the nommu __free_vma A/B check. Runs the same seeded sequences on two
/// native configs (default nommu-orig and nommu), with an allocation-failure sweep, and
/// compares results, layouts and lifecycle traces event by event.
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
        });
        var noInject = new Option<bool>("--no-inject")
        {
            Description = "Skip the allocation-failure sweep (k = 1..N for every sequence).",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the summary as JSON instead of text.",
        };

        var command = new Command("ab", "A/B check of the generalized __free_vma: nommu-orig vs nommu, under fault injection.")
        {
            seed, sequences, ops, configs, noInject, json,
        };
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
            var summary = new AbRunner(config => new NativeAddressSpace(config)).Run(options);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Print(summary);
            }

            return summary.Differences.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;
        });
        return command;
    }

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
