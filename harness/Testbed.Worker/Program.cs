// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Reports;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Testbed.Managed.Kernel;
using Testbed.Worker;

// testbed-worker: one concurrent run in this process, its result printed as one
// JSON line on stdout. WorkerLauncher (Testbed.Harness) starts it and turns its
// death into a crash row, using the op ring file for the last operations.
var backend = new Option<string>(WorkerArguments.Backend) { Required = true };
var config = new Option<string>(WorkerArguments.Config) { Required = true };
var mix = new Option<string>(WorkerArguments.Mix) { Required = true };
var seed = new Option<ulong>(WorkerArguments.Seed);
var threads = new Option<int>(WorkerArguments.Threads) { DefaultValueFactory = _ => 1 };
var ops = new Option<int>(WorkerArguments.Ops) { DefaultValueFactory = _ => 1000 };
var duration = new Option<double?>(WorkerArguments.Duration);
var ring = new Option<string?>(WorkerArguments.RingFile);
var watchStdin = new Option<bool>(WorkerArguments.WatchStdin);
var crashLibrary = new Option<string?>(WorkerArguments.CrashLibrary);
var crashAfter = new Option<int>(WorkerArguments.CrashAfter);
var crashHow = new Option<int>(WorkerArguments.CrashHow) { DefaultValueFactory = _ => 1 };
var flavour = new Option<string>(WorkerArguments.Flavour) { DefaultValueFactory = _ => WorkerOptions.Checked };
flavour.AcceptOnlyFromAmong(WorkerOptions.Checked, WorkerOptions.Perf);

var root = new RootCommand("testbed-worker: one concurrent run (internal to testbed's crash isolation).");
foreach (var option in new Option[] { backend, config, mix, seed, threads, ops, duration, ring, watchStdin, crashLibrary, crashAfter, crashHow, flavour })
    root.Options.Add(option);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine("testbed-worker: " + string.Join("; ", parse.Errors.Select(e => e.Message)));
    return 2;
}

var ringFile = parse.GetValue(ring);
// A worker is its parent's: Ctrl-C in a terminal signals the whole process
// group, and the CLI, not the worker, decides what happens then (it kills
// the worker and removes the ring file). Held for the whole run.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
if (parse.GetValue(watchStdin))
    ParentWatch.Start(ringFile);
TestPhase.Reach(TestPhase.WorkerBeforeRing, CancellationToken.None);

var workload = new Workload(WorkloadMixNames.Parse(parse.GetValue(mix)!), parse.GetValue(seed), parse.GetValue(threads), parse.GetValue(ops));
var configName = parse.GetValue(config)!;
var backendName = parse.GetValue(backend)!;
var flavourName = parse.GetValue(flavour)!;
// The managed port's flavour is this process's (TESTBED_MANAGED_FLAVOUR, which
// WorkerOptions.WithFlavour sets); the native one is a library to load.
if (backendName == AddressSpaceFactory.Managed && ManagedFlavour.Name != flavourName)
{
    Console.Error.WriteLine($"testbed-worker: {WorkerArguments.Flavour} {flavourName} needs {ManagedFlavour.Variable}={flavourName} for the managed port");
    return 2;
}

using var space = backendName == AddressSpaceFactory.Native && flavourName == WorkerOptions.Perf
    ? new NativeAddressSpace(configName, WorkerOptions.Perf)
    : AddressSpaceFactory.Default.Create(backendName, configName);
using var recorder = ringFile is not null ? new OperationRing(ringFile, workload.Threads) : null;
IOperationObserver? observer = recorder;
if (parse.GetValue(crashLibrary) is { } library)
{
    var how = parse.GetValue(crashHow);
    observer = new CrashObserver(recorder, parse.GetValue(crashAfter), () =>
    {
        var refused = CrashHook.Crash(library, how);
        Console.Error.WriteLine($"testbed-worker: tb_test_crash({how}) returned {refused} instead of crashing");
        Environment.Exit(3);
    });
}

var seconds = parse.GetValue(duration);
var result = ConcurrentRunner.Run(space, workload, seconds is { } s ? TimeSpan.FromSeconds(s) : null, observer) with { Flavour = flavourName };
Console.Out.WriteLine(JsonSerializer.Serialize(result, ReportJsonContext.Default.RunResult));
return 0;
