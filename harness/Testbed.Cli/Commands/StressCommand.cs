// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Reports;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>stress</c>: the threaded mixes on the native mmu models (mmu, mmu-spf, mmu-spf-rcu, mmu-pvl, mmu-vmrefcnt, mmu-spf-v9) (each run
/// in a worker process), a table per config, exit 1 on any violation, leak or crash.
/// </summary>
internal static class StressCommand
{
    public static Command Create(AddressSpaceFactory factory)
    {
        var seed = CommonOptions.Seed();
        var runs = OptionRules.AtLeast(new Option<int>("--runs")
        {
            Description = "Seeds to run per (config, mix, threads): seed, seed+1, ... (>= 1).",
            DefaultValueFactory = _ => 1,
        }, 1);
        var ops = CommonOptions.Ops(200_000, "Operations per thread (the bound of every run).");
        var duration = CommonOptions.Duration();
        var threads = CommonOptions.Threads([4]);
        string[] defaultMixes = ["fault-heavy", "munmap-storm", "mprotect-churn", "mixed"];
        var mix = CommonOptions.Mix(defaultMixes);
        var config = CommonOptions.Config(CommonOptions.MmuConfigs);
        var backend = CommonOptions.Backend([AddressSpaceFactory.Native]);
        var inProcess = CommonOptions.InProcess();
        var modelPatch = ModelPatchOption.Create();

        var command = new Command("stress", "Race mmap/munmap/mprotect/mbind/faults/get_vma on N threads; check validate, violations and leaks.");
        foreach (var option in new Option[] { seed, runs, ops, duration, threads, mix, config, backend, inProcess, modelPatch })
            command.Options.Add(option);
        CommonOptions.MixesFitConfigs(command, mix, defaultMixes, config, CommonOptions.MmuConfigs);

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ModelPatchOption.Apply("stress", parse.GetValue(modelPatch), parse.GetValue(config)!, "release") is { } patchFailed)
                return patchFailed;
            var dispatcher = new RunDispatcher(factory) { IsolateNative = !parse.GetValue(inProcess) };
            if (RunPlanning.Pairs("stress", factory, parse.GetValue(backend)!, parse.GetValue(config)!) is not { } pairs)
                return ExitCodes.Failed;

            var all = new List<RunResult>();
            var interrupted = false;
            foreach (var (b, c) in pairs)
            {
                var results = new List<RunResult>();
                try
                {
                    foreach (var m in parse.GetValue(mix)!.Select(WorkloadMixNames.Parse))
                    {
                        foreach (var t in parse.GetValue(threads)!)
                        {
                            for (var r = 0; r < parse.GetValue(runs); r++)
                            {
                                var workload = new Workload(m, parse.GetValue(seed) + (ulong)r, t, parse.GetValue(ops));
                                results.Add(await dispatcher.RunAsync(b, c, workload, CommonOptions.ToDuration(parse.GetValue(duration)), cancellationToken));
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Interrupted: what finished is still reported.
                    interrupted = true;
                }

                TestPhase.Reach(TestPhase.Report, cancellationToken);
                if (results.Count > 0)
                {
                    Terminal.Write(ConsoleTables.Stress($"{b} {c}", results));
                    Terminal.Write(ConsoleTables.StressSpeculative($"{b} {c}: speculative faults", results));
                }

                all.AddRange(results);
                if (interrupted)
                    break;
            }

            Terminal.Write(ConsoleTables.Problems(all));
            var bad = all.Count(r => !r.Clean);
            if (interrupted)
            {
                // The exit code is the signal's (TestbedApp); this says what finished.
                Terminal.Warn($"stress: interrupted; {all.Count} run(s) finished, {bad} with violations, leaks or crashes");
                return bad == 0 ? ExitCodes.Clean : ExitCodes.Findings;
            }

            if (bad > 0)
            {
                Terminal.Fail($"stress: {bad} of {all.Count} run(s) with violations, leaks or crashes");
                return ExitCodes.Findings;
            }

            if (IdleRuns.Report("stress", all, parse.GetValue(duration)))
                return ExitCodes.Failed;
            Terminal.Pass($"stress: {all.Count} run(s) clean");
            return ExitCodes.Clean;
        });
        return command;
    }
}
