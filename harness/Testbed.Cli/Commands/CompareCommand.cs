// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Spectre.Console;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Differential;
using Testbed.Harness.Reports;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>compare</c>: native vs managed. First the sequential differential on each
/// config (every result, layout, stats and event must match), then concurrent
/// runs for each thread count on both backends, the side-by-side table, a JSON
/// report and a throughput PNG. Exit 1 on any difference, violation, leak or crash;
/// the --out folder is checked before anything runs.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(AddressSpaceFactory factory)
    {
        var seed = CommonOptions.Seed();
        var ops = CommonOptions.Ops(200_000, "Operations per thread in each concurrent run (long enough for stable ops/s).");
        var duration = CommonOptions.Duration();
        var threads = CommonOptions.Threads([1, 2, 4, 8]);
        string[] defaultMixes = ["mixed"];
        var mix = CommonOptions.Mix(defaultMixes);
        var config = CommonOptions.Config(CommonOptions.MmuConfigs);
        var backend = CommonOptions.Backend([.. AddressSpaceFactory.Backends]);
        var output = new OutputFolder("--out")
        {
            Description = "Folder for compare.json and throughput.png.",
            DefaultValueFactory = _ => new DirectoryInfo("results"),
        };
        var sequentialOnly = new Option<bool>("--sequential-only")
        {
            Description = "Only the sequential differential (what a replay command runs).",
        };
        var sequentialOps = OptionRules.AtLeast(new Option<int>("--sequential-ops")
        {
            Description = "Operations in each sequential differential (per config and mix, >= 1).",
            DefaultValueFactory = _ => 5000,
        }, 1);
        var repeat = OptionRules.AtLeast(new Option<int>("--repeat")
        {
            Description = "Run each concurrent run this many times (same seed); the tables show the median and the spread, the plot every run.",
            DefaultValueFactory = _ => 1,
        }, 1);
        var inProcess = CommonOptions.InProcess();

        var command = new Command("compare", "Native vs managed: sequential differential, then concurrent runs side by side.");
        foreach (var option in new Option[] { seed, ops, duration, threads, mix, config, backend, output, sequentialOnly, sequentialOps, repeat, inProcess })
            command.Options.Add(option);
        CommonOptions.MixesFitConfigs(command, mix, defaultMixes, config, CommonOptions.MmuConfigs);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var started = DateTimeOffset.UtcNow;
            var folder = parse.GetValue(output)!;

            var mixes = parse.GetValue(mix)!.Select(WorkloadMixNames.Parse).ToArray();
            var configs = parse.GetValue(config)!;
            var pairs = RunPlanning.Pairs(factory, parse.GetValue(backend)!, configs);
            if (pairs.Count == 0)
            {
                Console.Error.WriteLine("testbed compare: nothing to compare: no requested backend/config is available here");
                return ExitCodes.Usage;
            }

            var sequential = RunSequential(factory, pairs, mixes, parse.GetValue(seed), parse.GetValue(sequentialOps));
            AnsiConsole.Write(ConsoleTables.Sequential(sequential));
            foreach (var d in sequential.Where(d => !d.Agreed))
                AnsiConsole.WriteLine(d.Describe());

            var concurrent = new List<RunResult>();
            if (!parse.GetValue(sequentialOnly))
            {
                var dispatcher = new RunDispatcher(factory) { IsolateNative = !parse.GetValue(inProcess) };
                var plan = (from p in pairs
                            from m in mixes
                            from t in parse.GetValue(threads)!
                            from r in Enumerable.Range(0, parse.GetValue(repeat))
                            select (p.Backend, p.Config, Workload: new Workload(m, parse.GetValue(seed), t, parse.GetValue(ops)), Repeat: r)).ToArray();
                await AnsiConsole.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask("concurrent runs", maxValue: plan.Length);
                    foreach (var (b, c, w, r) in plan)
                    {
                        task.Description = $"{b} {c} {w.Threads} thread(s)";
                        var run = await dispatcher.RunAsync(b, c, w, CommonOptions.ToDuration(parse.GetValue(duration)), cancellationToken);
                        concurrent.Add(run with { Repeat = r });
                        task.Increment(1);
                    }
                });
                AnsiConsole.Write(ConsoleTables.Compare(concurrent));
                AnsiConsole.Write(ConsoleTables.CompareSpeculative(concurrent));
                AnsiConsole.Write(ConsoleTables.Problems(concurrent));
            }

            var report = new CompareReport { Seed = parse.GetValue(seed), Started = started, Sequential = sequential, Concurrent = concurrent };
            JsonReport.Write(report, Path.Combine(folder.FullName, "compare.json"));
            if (concurrent.Count > 0)
                ThroughputPlot.Save(concurrent, Path.Combine(folder.FullName, "throughput.png"));
            AnsiConsole.MarkupLine($"reports in {Markup.Escape(folder.FullName)}");
            AnsiConsole.MarkupLine(report.Passed ? "[green]compare: no difference, violation or leak[/]" : "[red]compare: FAILED[/]");
            return report.Passed ? ExitCodes.Clean : ExitCodes.Findings;
        });
        return command;
    }

    private static IReadOnlyList<DifferentialResult> RunSequential(
        AddressSpaceFactory factory, IReadOnlyList<(string Backend, string Config)> pairs, IReadOnlyList<WorkloadMix> mixes, ulong seed, int ops)
    {
        var results = new List<DifferentialResult>();
        var configs = pairs.GroupBy(p => p.Config).Where(g => g.Count() == AddressSpaceFactory.Backends.Count).Select(g => g.Key);
        foreach (var config in configs)
        {
            foreach (var m in mixes)
            {
                using var native = factory.Create(AddressSpaceFactory.Native, config);
                using var managed = factory.Create(AddressSpaceFactory.Managed, config);
                results.Add(SequentialDifferential.RunToExit(native, managed, new Workload(m, seed, 1, ops)));
            }
        }

        return results;
    }
}
