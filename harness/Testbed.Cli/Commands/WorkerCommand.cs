// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Text.Json;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Reports;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>
/// The hidden <c>worker</c> subcommand: one concurrent run in this process, its
/// result printed as one JSON line on stdout. The parent (WorkerLauncher) turns a
/// death of this process into a crash row, using the op ring file for the last operations.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(AddressSpaceFactory factory)
    {
        var backend = new Option<string>("--backend") { Description = "native or managed.", Required = true };
        var config = new Option<string>("--config") { Description = "The config to run.", Required = true };
        var mix = new Option<string>("--mix") { Description = "The operation mix.", Required = true };
        var seed = CommonOptions.Seed();
        var threads = new Option<int>("--threads") { Description = "Threads.", DefaultValueFactory = _ => 1 };
        var ops = CommonOptions.Ops(1000, "Operations per thread.");
        var duration = CommonOptions.Duration();
        var ring = new Option<string?>("--ring-file") { Description = "File the last started operations are recorded in (mapped shared, survives a crash)." };
        var crashAfter = new Option<int?>("--debug-crash-after")
        {
            Description = "TEST ONLY: call tb_debug_crash before thread 0's operation N (needs TESTBED_ALLOW_CRASH=1).",
        };
        var crashHow = new Option<int>("--debug-crash-how")
        {
            Description = "TEST ONLY: tb_debug_crash's 'how' argument (1 = SIGSEGV, 2 = abort).",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("worker", "Internal: one concurrent run, result as a JSON line (used for crash isolation).")
        {
            Hidden = true,
        };
        foreach (var option in new Option[] { backend, config, mix, seed, threads, ops, duration, ring, crashAfter, crashHow })
            command.Options.Add(option);

        command.SetAction(parse =>
        {
            var workload = new Workload(WorkloadMixNames.Parse(parse.GetValue(mix)!), parse.GetValue(seed), parse.GetValue(threads), parse.GetValue(ops));
            var configName = parse.GetValue(config)!;
            using var space = factory.Create(parse.GetValue(backend)!, configName);
            using var recorder = parse.GetValue(ring) is { } path ? new OperationRing(path, workload.Threads) : null;
            IOperationObserver? observer = recorder;
            if (parse.GetValue(crashAfter) is { } after)
            {
                var how = parse.GetValue(crashHow);
                observer = new DebugCrashObserver(recorder, after, () =>
                {
                    var refused = NativeDebugCrash.Crash(configName, how);
                    Console.Error.WriteLine($"testbed worker: tb_debug_crash({how}) returned {refused} instead of crashing");
                    Environment.Exit(3);
                });
            }

            var result = ConcurrentRunner.Run(space, workload, CommonOptions.ToDuration(parse.GetValue(duration)), observer);
            Console.Out.WriteLine(JsonSerializer.Serialize(result, ReportJsonContext.Default.RunResult));
            return 0;
        });
        return command;
    }
}
