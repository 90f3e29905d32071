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
        var sequences = new Option<int>("--sequences")
        {
            Description = "Number of seeded sequences.",
            DefaultValueFactory = _ => 100,
        };
        var ops = new Option<int>("--ops")
        {
            Description = "Random operations per sequence, before the teardown that unmaps everything.",
            DefaultValueFactory = _ => 40,
        };
        var configs = new Option<string>("--configs")
        {
            Description = "The two native configs to compare, A,B (A is the reference).",
            DefaultValueFactory = _ => "nommu-orig,nommu",
        };
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
            if (pair.Length != 2 || parse.GetValue(sequences) < 1 || parse.GetValue(ops) < 4)
            {
                Console.Error.WriteLine("ab: --configs needs A,B; --sequences >= 1; --ops >= 4");
                return 2;
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

            return summary.Differences.Count == 0 ? 0 : 1;
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
