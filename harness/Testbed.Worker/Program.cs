// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Testbed.Interop;
using Testbed.Managed.Kernel;
using Testbed.Worker;

// testbed-worker: one concurrent run in this process, its result printed as one
// JSON line on stdout. WorkerLauncher (Testbed.Harness.Runs) starts it and turns its
// death into a crash row, using the op ring file for the last operations.
var backend = WorkerOptionRules.Backend(new Option<string>(WorkerArguments.Backend) { Required = true });
var config = WorkerOptionRules.Config(new Option<string>(WorkerArguments.Config) { Required = true });
var mix = WorkerOptionRules.Mix(new Option<string>(WorkerArguments.Mix) { Required = true });
var seed = new Option<ulong>(WorkerArguments.Seed);
var threads = OptionRules.Between(new Option<int>(WorkerArguments.Threads) { DefaultValueFactory = _ => 1 }, 1, Workload.MaxThreads);
var ops = OptionRules.Between(new Option<int>(WorkerArguments.Ops) { DefaultValueFactory = _ => 1000 }, 1, int.MaxValue);
var duration = OptionRules.Positive(new Option<double?>(WorkerArguments.Duration));
var ring = new Option<string?>(WorkerArguments.RingFile);
var watchStdin = new Option<bool>(WorkerArguments.WatchStdin);
var crashLibrary = new Option<string?>(WorkerArguments.CrashLibrary);
var crashAfter = OptionRules.Between(new Option<int>(WorkerArguments.CrashAfter), 0, int.MaxValue);
var crashHow = OptionRules.Between(new Option<int>(WorkerArguments.CrashHow) { DefaultValueFactory = _ => 1 }, 1, 2);
var flavour = new Option<string>(WorkerArguments.Flavour) { DefaultValueFactory = _ => WorkerOptions.Checked };
flavour.AcceptOnlyFromAmong(WorkerOptions.Checked, WorkerOptions.Perf);

var root = new RootCommand("testbed-worker: one concurrent run (internal to testbed's crash isolation).");
foreach (var option in new Option[] { backend, config, mix, seed, threads, ops, duration, ring, watchStdin, crashLibrary, crashAfter, crashHow, flavour })
    root.Options.Add(option);
WorkerOptionRules.MixFitsConfig(root, mix, config);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line, as the CLI prints them: some parser messages list the choices on lines of their own.
    var messages = parse.Errors.Select(e => Regex.Replace(e.Message, @"\s*\n\s*", " ")).Distinct();
    Console.Error.WriteLine("testbed-worker: " + string.Join("; ", messages));
    return 2;
}

var backendName = parse.GetValue(backend)!;
var configName = parse.GetValue(config)!;
var flavourName = parse.GetValue(flavour)!;
if (!AddressSpaceFactory.Default.IsAvailable(backendName, configName))
{
    Console.Error.WriteLine($"testbed-worker: {backendName}/{configName} is not available here (no library in {NativeLibraryResolver.Directory})");
    return 3;
}

if (backendName == AddressSpaceFactory.Native && flavourName == WorkerOptions.Perf && !NativeConfigs.Available(WorkerOptions.Perf).Contains(configName))
{
    Console.Error.WriteLine($"testbed-worker: no {WorkerOptions.Perf} flavour of {configName} here (no library in {NativeLibraryResolver.FlavourDirectory(WorkerOptions.Perf)})");
    return 3;
}

// The managed port's flavour is this process's (TESTBED_MANAGED_FLAVOUR, which
// WorkerOptions.WithFlavour sets); the native one is a library to load.
if (backendName == AddressSpaceFactory.Managed && ManagedFlavour.Name != flavourName)
{
    Console.Error.WriteLine($"testbed-worker: {WorkerArguments.Flavour} {flavourName} needs {ManagedFlavour.Variable}={flavourName} for the managed port");
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
using var space = flavourName == WorkerOptions.Perf && backendName == AddressSpaceFactory.Native
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
Console.Out.WriteLine(JsonSerializer.Serialize(result, RunResultJsonContext.Default.RunResult));
return 0;
