// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Differential;
using Testbed.Harness.Reports;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Testbed.Interop;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>compare</c>: native vs managed. First the sequential differential on each
/// config (every result, layout, stats and event must match), then concurrent
/// runs for each thread count on both backends: a checked pass (the checked
/// flavours: what ran and what was found), then a timed pass of the same runs on
/// the perf flavours, each in a worker, native and managed interleaved, for the
/// side-by-side throughput; a JSON report and a throughput PNG of the timed pass.
/// Exit 1 on any difference, violation, leak or crash; the --out folder is
/// checked before anything runs.
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
        var modelPatch = ModelPatchOption.Create();

        var command = new Command("compare", "Native vs managed: sequential differential, then concurrent runs side by side.");
        foreach (var option in new Option[] { seed, ops, duration, threads, mix, config, backend, output, sequentialOnly, sequentialOps, repeat, inProcess, modelPatch })
            command.Options.Add(option);
        CommonOptions.MixesFitConfigs(command, mix, defaultMixes, config, CommonOptions.MmuConfigs);
        command.Validators.Add(result =>
        {
            var backends = OptionRules.ValueOr(result, backend, [.. AddressSpaceFactory.Backends]) ?? [];
            if (OptionRules.ValueOr(result, sequentialOnly, false) && !AddressSpaceFactory.Backends.All(backends.Contains))
                result.AddError("nothing to compare: --sequential-only runs native against managed, so --backend needs both");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var started = DateTimeOffset.UtcNow;
            var folder = parse.GetValue(output)!;

            var backends = parse.GetValue(backend)!;
            var mixes = parse.GetValue(mix)!.Select(WorkloadMixNames.Parse).ToArray();
            var configs = parse.GetValue(config)!;
            if (ModelPatchOption.Apply("compare", parse.GetValue(modelPatch), configs, "release") is { } patchFailed)
                return patchFailed;
            if (RunPlanning.Pairs("compare", factory, backends, configs) is not { } pairs)
                return ExitCodes.Failed;

            var sequential = RunSequential(factory, pairs, mixes, parse.GetValue(seed), parse.GetValue(sequentialOps));
            Terminal.Write(ConsoleTables.Sequential(sequential));
            foreach (var d in sequential.Where(d => !d.Agreed))
                Terminal.Line(d.Describe());

            var concurrent = new List<RunResult>();
            var timed = new List<RunResult>();
            if (!parse.GetValue(sequentialOnly))
            {
                var dispatcher = new RunDispatcher(factory) { IsolateNative = !parse.GetValue(inProcess) };
                var plan = (from p in pairs
                            from m in mixes
                            from t in parse.GetValue(threads)!
                            from r in Enumerable.Range(0, parse.GetValue(repeat))
                            select (p.Backend, p.Config, Workload: new Workload(m, parse.GetValue(seed), t, parse.GetValue(ops)), Repeat: r)).ToArray();
                var cap = CommonOptions.ToDuration(parse.GetValue(duration));
                var timedPlan = TimedPlan(plan, pairs);
                await Terminal.ProgressAsync(async progress =>
                {
                    var task = progress.Add("checked pass", plan.Length);
                    foreach (var (b, c, w, r) in plan)
                    {
                        task.Now($"checked: {b} {c} {w.Threads} thread(s)");
                        var run = await dispatcher.RunAsync(b, c, w, cap, cancellationToken);
                        concurrent.Add(run with { Repeat = r });
                        task.Step();
                    }

                    task = progress.Add("timed pass", timedPlan.Length);
                    foreach (var (b, c, w, r) in timedPlan)
                    {
                        task.Now($"timed (perf): {b} {c} {w.Threads} thread(s)");
                        var options = new WorkerOptions(b, c, w).WithDuration(cap).WithFlavour(WorkerOptions.Perf);
                        var run = await WorkerLauncher.RunAsync(options, cancellationToken);
                        timed.Add(run with { Repeat = r });
                        task.Step();
                    }
                });
                Terminal.Write(ConsoleTables.CompareChecked(concurrent));
                Terminal.Write(ConsoleTables.CompareSpeculative(concurrent));
                if (timed.Count > 0)
                    Terminal.Write(ConsoleTables.Compare(timed));
                foreach (var missing in plan.Select(p => p.Config).Distinct().Where(c => timedPlan.All(t => t.Config != c)))
                    Terminal.Warn($"{missing}: no timed pass (it needs the perf flavour of both backends)");
                Terminal.Write(ConsoleTables.Problems([.. concurrent, .. timed]));
            }

            var report = new CompareReport
            {
                Seed = parse.GetValue(seed), Started = started, Sequential = sequential, Concurrent = concurrent, Timed = timed,
            };
            JsonReport.Write(report, Path.Combine(folder.FullName, "compare.json"));
            if (timed.Count > 0)
                ThroughputPlot.Save(timed, Path.Combine(folder.FullName, "throughput.png"));
            Terminal.Line($"reports in {folder.FullName}");
            if (!report.Clean)
            {
                Terminal.Fail("compare: FAILED");
                return ExitCodes.Findings;
            }

            if (IdleRuns.Report("compare", [.. concurrent, .. timed], parse.GetValue(duration)))
                return ExitCodes.Failed;
            if (!report.Complete)
            {
                Console.Error.WriteLine("testbed compare: could not complete: nothing was compared or run");
                return ExitCodes.Failed;
            }

            Terminal.Pass("compare: no difference, violation or leak");
            return ExitCodes.Clean;
        });
        return command;
    }

    /// <summary>
    /// The timed pass: the checked pass's runs of every config whose perf flavour both
    /// backends have here, native and managed back to back for each (config, mix, threads,
    /// repeat), so load drift during the pass reaches both sides of a ratio alike.
    /// </summary>
    private static (string Backend, string Config, Workload Workload, int Repeat)[] TimedPlan(
        IReadOnlyList<(string Backend, string Config, Workload Workload, int Repeat)> plan, IReadOnlyList<(string Backend, string Config)> pairs)
    {
        var perf = NativeConfigs.Available(WorkerOptions.Perf);
        var both = pairs.GroupBy(p => p.Config)
            .Where(g => g.Count() == AddressSpaceFactory.Backends.Count && perf.Contains(g.Key))
            .Select(g => g.Key)
            .ToHashSet();
        return plan.Where(p => both.Contains(p.Config))
            .GroupBy(p => (p.Config, p.Workload, p.Repeat))
            .SelectMany(g => g.OrderBy(p => p.Backend == AddressSpaceFactory.Native ? 0 : 1))
            .ToArray();
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
