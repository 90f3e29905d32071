// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Testbed.Cli.Commands.Sweeps;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Sharding;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed differential</c>: the sequential differential of <c>compare</c> (native vs
/// managed, every result, layout, stats and event after every operation, then the
/// teardowns) over a seed sweep: seeds × configs × mixes, one unit each, shardable with
/// <c>--shard k/n --result FILE</c> and merged by <c>testbed merge</c>. Exit 1 on any
/// difference; every divergence is printed with the command that replays it.
/// </summary>
internal static class DifferentialCommand
{
    /// <summary>Creates the <c>differential</c> command.</summary>
    public static Command Create(AddressSpaceFactory factory)
    {
        var seed = CommonOptions.Seed();
        var seeds = OptionRules.AtLeast(new Option<int>("--seeds")
        {
            Description = "How many seeds: the sweep runs seeds S..S+N-1 (S = --seed, N >= 1).",
            DefaultValueFactory = _ => 100,
        }, 1);
        var ops = CommonOptions.Ops(5000, "Operations in each run (one stream, as compare's --sequential-ops).");
        string[] defaultMixes = ["mixed"];
        var mix = CommonOptions.Mix(defaultMixes);
        var defaultConfigs = CommonOptions.MmuConfigs
            .Where(c => AddressSpaceFactory.Backends.All(b => factory.IsAvailable(b, c))).ToArray();
        var config = CommonOptions.Config(defaultConfigs);
        config.Description += " Default: the MMU configs both backends have here.";
        var shard = SweepOptions.Shard();
        var result = SweepOptions.Result();
        var modelPatch = ModelPatchOption.Create();

        var command = new Command("differential",
            "Sequential differential (native vs managed, as compare --sequential-only) over a seed sweep: seeds × configs × mixes, shardable.")
        {
            seed, seeds, ops, mix, config, shard, result, modelPatch,
        };
        CommonOptions.MixesFitConfigs(command, mix, defaultMixes, config, defaultConfigs);
        SweepOptions.RequireResultWithShard(command, shard, result);

        command.SetAction(parse =>
        {
            var configs = parse.GetValue(config)!.Distinct(StringComparer.Ordinal).ToArray();
            if (ModelPatchOption.Apply("differential", parse.GetValue(modelPatch), configs, "release") is { } patchFailed)
                return patchFailed;
            if (configs.Length == 0)
            {
                Console.Error.WriteLine("testbed differential: no config has both backends here (build the native libraries)");
                return ExitCodes.Usage;
            }
            if (configs.FirstOrDefault(c => !AddressSpaceFactory.Backends.All(b => factory.IsAvailable(b, c))) is { } missing)
            {
                Console.Error.WriteLine($"testbed differential: --config {missing} needs both backends, and one is not available here");
                return ExitCodes.Usage;
            }

            var mixes = parse.GetValue(mix)!.Distinct(StringComparer.Ordinal).Select(WorkloadMixNames.Parse).ToArray();
            if ((long)configs.Length * mixes.Length * parse.GetValue(seeds) > int.MaxValue)
            {
                Console.Error.WriteLine($"testbed differential: configs × mixes × seeds is more than {int.MaxValue} runs; cut --seeds");
                return ExitCodes.Usage;
            }

            var sweep = new DifferentialSweep(parse.GetValue(seed), parse.GetValue(seeds), configs, mixes, parse.GetValue(ops));
            return SweepRun.Execute(DifferentialSweep.Kind, sweep.Parameters(), sweep.Units, parse.GetValue(shard),
                parse.GetValue(result), index => sweep.Run(factory, index), Report);
        });
        return command;
    }

    /// <summary>
    /// Prints the report of a differential sweep (whole, merged or one shard): per config and
    /// mix the seeds run, agreed and differed and the operations compared, then every
    /// divergence with its replay command. Returns 1 when any run differed.
    /// </summary>
    public static int Report(SweepFile file)
    {
        var units = file.Results.OrderBy(u => u.Index).Select(u => u.Result).ToList();
        var p = file.Parameters;
        var part = file.Shard.Count > 1 ? $", shard {file.Shard}: {file.Results.Count} of {file.Units} runs" : "";
        var first = ulong.Parse(p["seed"], CultureInfo.InvariantCulture);
        var last = unchecked(first + ulong.Parse(p["seeds"], CultureInfo.InvariantCulture) - 1);
        Console.WriteLine($"sequential differential (native vs managed): seeds {first}..{last}, {p["ops"]} ops each{part}");
        var rows = units
            .GroupBy(u => (Config: Text(u, "config"), Mix: Text(u, "mix")))
            .Select(g => new[]
            {
                g.Key.Config, g.Key.Mix, Count(g.Count()), Count(g.Count(Agreed)), Count(g.Count(u => !Agreed(u))),
                g.Sum(u => (long)u["operations"]!.GetValue<int>()).ToString(CultureInfo.InvariantCulture),
            })
            .ToList();
        rows.Insert(0, ["config", "mix", "seeds", "agreed", "differed", "operations"]);
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            Console.WriteLine("  " + string.Join("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());

        var differed = units.Where(u => !Agreed(u)).ToList();
        foreach (var u in differed)
            Console.WriteLine(Text(u, "divergence")); // ends with the replay line
        Console.WriteLine(differed.Count == 0
            ? $"differential: {units.Count} run(s), no difference"
            : $"differential: FAILED: {differed.Count} of {units.Count} run(s) differ");
        return differed.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;

        static bool Agreed(JsonObject u) => u["agreed"]!.GetValue<bool>();
        static string Text(JsonObject u, string name) => u[name]!.GetValue<string>();
        static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
    }
}
