// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Kernel;
using Testbed.Harness.Reports;
using Testbed.Harness.Simulation;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>simulate</c>: N virtual CPUs run the model's own code under the controlled scheduler in
/// virtual time (docs/design-study.md, "Predictions"): throughput per design and CPU count,
/// line transfers per operation, where the time went, and the anchors predicted.
/// </summary>
internal static class SimulateCommand
{
    private const string Description = """
        A discrete-event simulation of N virtual CPUs running the model's own code (the managed port's
        checked flavour by default, or the checked native library) under the controlled scheduler, which
        always resumes the thread whose virtual clock is earliest. Each scheduling point advances that
        thread's clock by its local work (the operation's single-thread time on the native perf flavour,
        measured here and spread evenly over the operation's points) plus, when the point's line (the lock,
        atomic or seqcount it names) is in another CPU's cache, one transfer (MESI-like: a write takes the
        line exclusive, a read shares it; a line moves to one CPU at a time); a lock acquisition that finds
        the lock taken waits until the release, then pays the retry's transfer. Each CPU runs a window of
        its bench stream at its own phase of the iteration (the prefix runs untimed), so N CPUs sample
        every phase of the steady state. Throughput counts the operations done before the first CPU ran
        out of work.

        Runs first the validation (one CPU = the calibrated time; no transfer cost = linear scaling of
        pft on mmu; the same seed = the same virtual times; exit 1 when one fails), then a sweep over
        --threads on --machine (not with --quick), then with --anchors (always with --quick) each anchor
        of the design study: its design and mmu on the anchor's machine and thread count, predicted
        difference beside the published one, and (not with --quick) every other --config against the
        same mmu point. The calibration is read from --calibration (committed:
        docs/design-study/simulate-calibration.json) unless --calibrate measures a new one (the perf
        libraries' per-operation costs and the ping-pong transfer cost between two of this machine's
        cores), written to --out. Writes <out>/simulate.json and <out>/simulate-<workload>.png (predicted
        throughput against virtual CPUs, log2 axis, one line per design of the sweep, the anchors as markers).
        """;

    public static Command Create()
    {
        var seed = CommonOptions.Seed();
        var quick = new Option<bool>("--quick") { Description = "Validation and the anchors at a small budget (under 5 minutes on 2 cores)." };
        var anchors = new Option<bool>("--anchors") { Description = "Predict every anchor of the design study's table." };
        var calibrate = new Option<bool>("--calibrate") { Description = "Measure a new calibration (per-operation costs on the perf libraries, ping-pong) and use it." };
        var calibration = new Option<FileInfo?>("--calibration")
        {
            Description = "The calibration file to read (default: docs/design-study/simulate-calibration.json).",
        };
        var budget = OptionRules.AtLeast(new Option<int?>("--budget")
        {
            Description = "Operations per simulated point, all CPUs together (at least one iteration of the workload; default 8192, 2048 with --quick).",
        }, 64);
        var backend = new Option<string>("--backend")
        {
            Description = "Whose code runs: managed (the port's checked flavour: only the design's own points) or native " +
                "(the checked library: its points also write the testbed's bookkeeping lines).",
            DefaultValueFactory = _ => AddressSpaceFactory.Managed,
        }.AcceptOnlyFromAmong([.. AddressSpaceFactory.Backends]);
        var machineNames = Machines.Published.Select(Key).Prepend(Here).ToArray();
        var machine = new Option<string>("--machine")
        {
            Description = $"The sweep's machine: {string.Join(", ", machineNames)} ({Here}: this machine's CPUs, one socket, the calibration's ping-pong cost).",
            DefaultValueFactory = _ => Key(Machines.X86Vm16),
        }.AcceptOnlyFromAmong(machineNames);
        var threads = CommonOptions.Threads([1, 2, 4, 8, 16]);
        threads.Description = "The sweep's CPU counts (at most the machine's).";
        var configs = CommonOptions.Config(CommonOptions.MmuConfigs);
        var workloads = new Option<string[]>("--workload")
        {
            Description = "The sweep's workloads.",
            DefaultValueFactory = _ => [.. BenchWorkloads.All.Select(w => w.Name())],
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. BenchWorkloads.All.Select(w => w.Name())]);
        var output = new OutputFolder("--out")
        {
            Description = "Folder for simulate.json (and simulate-calibration.json with --calibrate).",
            DefaultValueFactory = _ => new DirectoryInfo("results"),
        };

        var command = new Command("simulate", Description);
        foreach (var option in new Option[] { seed, quick, anchors, calibrate, calibration, budget, backend, machine, threads, configs, workloads, output })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new Settings(parse.GetValue(seed), isQuick, isQuick || parse.GetValue(anchors), parse.GetValue(calibrate),
                parse.GetValue(calibration)?.FullName ?? Path.Combine(RepoPaths.Root(), "docs", "design-study", "simulate-calibration.json"),
                parse.GetValue(budget) ?? (isQuick ? 2048 : 8192), parse.GetValue(backend)!,
                parse.GetValue(machine)!, parse.GetValue(threads)!, parse.GetValue(configs)!,
                [.. parse.GetValue(workloads)!.Select(BenchWorkloads.Parse)], parse.GetValue(output)!.FullName);
            return Run(settings);
        });
        return command;
    }

    /// <summary>Operations timed per (design, workload) and round when calibrating, and the rounds.</summary>
    private const int CalibrationBudget = 8192;

    private const int CalibrationRounds = 11;

    private sealed record Settings(ulong Seed, bool Quick, bool Anchors, bool Calibrate, string CalibrationPath, int Budget, string Backend,
        string Machine, int[] Threads, string[] Configs, BenchWorkload[] Workloads, string Output);

    /// <summary>The --machine name of this machine.</summary>
    private const string Here = "here";

    /// <summary>The --machine name of <paramref name="m"/>.</summary>
    private static string Key(Machine m) => m == Machines.X86Vm16 ? "x86-vm16"
        : m == Machines.Power8x80 ? "power8-80"
        : m == Machines.SkylakeSp4x192 ? "skl-4s-192"
        : "icl-2s-128";

    private static int Run(Settings s)
    {
        Calibration calibration;
        if (s.Calibrate || !File.Exists(s.CalibrationPath))
        {
            Terminal.Line(s.Calibrate ? "simulate: calibrating" : $"simulate: no calibration at {s.CalibrationPath}: calibrating");
            calibration = Calibrator.Measure(CommonOptions.MmuConfigs, BenchWorkloads.All, s.Seed, CalibrationBudget, CalibrationRounds, Terminal.Line);
            var written = Path.Combine(s.Output, "simulate-calibration.json");
            SimulationFiles.Write(calibration, written);
            Terminal.Line($"wrote {written}");
        }
        else
            calibration = SimulationFiles.ReadCalibration(s.CalibrationPath);

        var here = Machines.Here(Math.Max(2, Environment.ProcessorCount), calibration.PingPongNs);
        Terminal.Line($"simulate: backend {s.Backend}, seed {s.Seed}, {s.Budget} operations per point; calibration of {calibration.Taken:yyyy-MM-dd HH:mm} UTC on {calibration.Host} " +
            $"({calibration.Cpus} CPUs): ping-pong {calibration.PingPongNs:F1} ns per transfer (rounds: {string.Join(", ", calibration.PingPongRoundsNs.Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))})");
        foreach (var line in SimulationText.Machines([here, .. Machines.Published]))
            Terminal.Line(line);

        var study = new SimulationStudy(calibration, s.Seed, s.Budget, s.Backend);
        var validation = study.Validate(here);
        Terminal.Line("");
        foreach (var line in SimulationText.Validation(validation))
            Terminal.Line(line);
        if (!validation.Holds)
        {
            Terminal.Fail($"simulate: the engine's invariants do not hold; replay with --seed {s.Seed}");
            return ExitCodes.Findings;
        }
        Terminal.Pass("validation: every invariant holds");

        if (!s.Quick)
        {
            var sweep = s.Machine == Here ? here : Machines.Published.First(m => Key(m) == s.Machine);
            foreach (var w in s.Workloads)
            {
                foreach (var config in s.Configs)
                {
                    foreach (var t in s.Threads.Where(t => t <= sweep.Cpus))
                        study.Simulate(w, config, t, sweep);
                }
            }
            Terminal.Line("");
            foreach (var line in SimulationText.Points(study.Results))
                Terminal.Line(line);
        }

        var predictions = new List<AnchorPrediction>();
        if (s.Anchors)
        {
            foreach (var a in Anchors.All)
            {
                Terminal.Line($"anchor {a.Row}: {a.Workload.Name()} {a.Config} vs mmu, {a.Threads} CPUs of {a.Machine.Name}");
                predictions.Add(study.Predict(a, s.Quick ? null : s.Configs));
            }
            Terminal.Line("");
            foreach (var line in SimulationText.Points(predictions.SelectMany(p => new[] { p.Design, p.Baseline })))
                Terminal.Line(line);
            Terminal.Line("");
            foreach (var line in SimulationText.Anchors(predictions))
                Terminal.Line(line);
            if (predictions.Any(p => p.Others.Count > 0))
            {
                Terminal.Line("");
                foreach (var line in SimulationText.AllDesigns(predictions))
                    Terminal.Line(line);
            }
        }

        var report = new SimulationReport(DateTimeOffset.UtcNow, s.Seed, s.Backend, s.Budget, calibration, [here, .. Machines.Published],
            validation, study.Results, predictions);
        var json = Path.Combine(s.Output, "simulate.json");
        SimulationFiles.Write(report, json);
        var sweepPoints = study.Results.Except(predictions.SelectMany(p => new[] { p.Design, p.Baseline })).ToArray();
        var plots = SimulationPlot.Save(sweepPoints, predictions, s.Output);
        Terminal.Line($"wrote {json} and {plots.Count} plot(s) in {s.Output}");
        var failed = study.Results.Sum(r => r.Failed);
        var lost = study.Results.FirstOrDefault(r => r.SchedulerFailure is not null);
        if (failed > 0 || lost is not null)
        {
            Terminal.Fail($"simulate: {failed} operation(s) failed{(lost is null ? "" : $"; control lost in {lost.Workload} {lost.Config} {lost.Threads}: {lost.SchedulerFailure}")}; replay with --seed {s.Seed}");
            return ExitCodes.Findings;
        }
        return ExitCodes.Clean;
    }
}
