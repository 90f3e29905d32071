// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Kernel;
using Testbed.Harness.Reports;
using Testbed.Interop;
using Testbed.Managed;
using Testbed.Managed.Kernel;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>bench</c>: the performance study. The floor and each design's hot paths, the named
/// workloads' throughput (workloads x configs x threads x backends, perf flavours, repeated)
/// and their counted costs (checked library); a table, JSON and PNG plots.
/// </summary>
internal static class BenchCommand
{
    private const string Description = """
        The performance study of the SPF design (docs/design-study.md). Timed on the perf flavours
        (build/native/perf: checking compiled out; the managed port with TESTBED_MANAGED_FLAVOUR=perf),
        counted on the checked native library. Runs native in this process (no worker isolation).

        Workloads (each thread its own 16 MiB window unless said):
          ebizzy       ebizzy -mTt: mmap an 8-page chunk, write-fault it, read-fault 16 random pages of a
                       256-page region all threads share, munmap: writers hold mmap_sem while others fault.
          page-fault1  will-it-scale page_fault1: map 32 anonymous pages, write every page, unmap, loop.
          page-fault2  will-it-scale page_fault2: the same on a private mapping of the thread's own file.
          page-fault3  will-it-scale page_fault3: the same on a shared mapping of the thread's own file.
          malloc1      will-it-scale malloc1: mmap 32 pages, one write fault (the chunk header), munmap.
          single-vma   every thread read-faults random pages of one shared populated VMA.

        Metrics:
          floor        ns of an uncontended rwlock read lock+unlock + atomic inc+dec + an rb-tree walk of the
                       hot path's depth (native/bench); each design's fault hot path as a multiple of it.
          hot paths    single thread, populated page, no contention: C (tb_batch of 256, tb_fault per call,
                       get/put), C# through the interop, the managed port; ratios managed/C and C#/C.
          ops/s        median of --repeats runs, spread = (max-min)/median, vs mmu = the same backend's mmu.
          counted      per fault: writes (acquire/release/atomic RMW) to the mm-wide lines mmap_sem,
                       mm_rb_lock and page_table_lock (whoever takes them), to the split PTE locks, to
                       per-VMA lines (vm_ref_count), and apart the testbed's bookkeeping; mm-wide
                       writes per operation; fault lock waits per 1000 faults and how many behind a writer;
                       wasted speculative attempts (aborted, then the classic path) per fault; the steps run
                       holding mmap_sem / mm_rb_lock for write, per fault (what a classic / a speculative
                       fault can wait behind); bench.json also has the write sections per 1000 faults.
        Writes <out>/bench.json and <out>/bench-<workload>.png; exits 1 when an operation failed.
        """;

    public static Command Create()
    {
        var seed = CommonOptions.Seed();
        var workloads = new Option<string[]>("--workload")
        {
            Description = $"Workloads: {string.Join(", ", BenchWorkloads.All.Select(w => w.Name()))}.",
            DefaultValueFactory = _ => [.. BenchWorkloads.All.Select(w => w.Name())],
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. BenchWorkloads.All.Select(w => w.Name())]);
        var configs = new Option<string[]>("--config")
        {
            Description = "Designs to compare (mmu-spf, mmu).",
            DefaultValueFactory = _ => CommonOptions.MmuConfigs,
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong(CommonOptions.MmuConfigs);
        var backends = CommonOptions.Backend([.. AddressSpaceFactory.Backends]);
        backends.Description = "Backends to time, both in this process: native (the perf libraries through the interop) and/or managed (the C# port, perf flavour).";
        var threads = CommonOptions.Threads(DefaultThreads());
        var repeats = OptionRules.AtLeast(new Option<int>("--repeats")
        {
            Description = "Timed runs per point (median and spread are over these; at least 5 for the study).",
            DefaultValueFactory = _ => 5,
        }, 1);
        var ops = CommonOptions.Ops(200_000, "Operations per thread per timed run (counted runs use a fifth).");
        var quick = new Option<bool>("--quick")
        {
            Description = "Preset under 5 minutes on 2 cores: 100,000 operations per thread, shorter hot-path loops.",
        };
        var output = new OutputFolder("--out")
        {
            Description = "Folder for bench.json and the plots (bench-<workload>.png).",
            DefaultValueFactory = _ => new DirectoryInfo("results"),
        };

        var command = new Command("bench", Description);
        var modelPatch = ModelPatchOption.Create();
        foreach (var option in new Option[] { seed, workloads, configs, backends, threads, repeats, ops, quick, output, modelPatch })
            command.Options.Add(option);

        command.SetAction(parse =>
        {
            // bench times the perf libraries and counts on the checked ones: both are patched.
            if (ModelPatchOption.Apply("bench", parse.GetValue(modelPatch), parse.GetValue(configs)!, "release", "perf") is { } patchFailed)
                return patchFailed;
            var folder = parse.GetValue(output)!;
            var isQuick = parse.GetValue(quick);
            var settings = new Settings(
                parse.GetValue(workloads)!.Select(BenchWorkloads.Parse).ToArray(),
                parse.GetValue(configs)!, parse.GetValue(backends)!, parse.GetValue(threads)!,
                parse.GetValue(repeats),
                isQuick && parse.GetResult(ops) is null ? 100_000 : parse.GetValue(ops),
                parse.GetValue(seed), isQuick, folder.FullName);
            return Run(settings);
        });
        return command;
    }

    /// <summary>
    /// For <c>bench</c>, the managed port's perf flavour unless TESTBED_MANAGED_FLAVOUR says
    /// otherwise. The port reads the variable once per process, and parsing the command line
    /// already touches the port (the config options probe it), so this must run before
    /// anything else: set from the command's action, it came too late and bench timed the
    /// checked port while saying perf.
    /// </summary>
    public static void ChooseManagedFlavour(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0] == "bench" && Environment.GetEnvironmentVariable(ManagedFlavour.Variable) is null)
            Environment.SetEnvironmentVariable(ManagedFlavour.Variable, ManagedFlavour.Perf);
    }

    private sealed record Settings(BenchWorkload[] Workloads, string[] Configs, string[] Backends, int[] Threads,
        int Repeats, int Ops, ulong Seed, bool Quick, string Output);

    private static int[] DefaultThreads()
    {
        var list = new List<int>();
        for (var t = 1; t <= 2 * Environment.ProcessorCount; t *= 2)
            list.Add(t);
        return [.. list];
    }

    private static int Run(Settings s)
    {
        var perf = NativeLibraryResolver.FlavourDirectory("perf");
        var driver = Path.Combine(RepoPaths.Root(), "build", "native", "perf", "bench");
        var missing = s.Configs.Where(c => !NativeConfigs.Available("perf").Contains(c)).ToArray();
        if (missing.Length > 0 || !File.Exists(driver))
        {
            AnsiConsole.MarkupLine($"[red]perf flavour missing ({Markup.Escape(string.Join(", ", missing))} in {Markup.Escape(perf)}, or {Markup.Escape(driver)}): build with `make -C native perf` or `dotnet build`[/]");
            return ExitCodes.Failed;
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"bench: {Environment.ProcessorCount} CPUs, native perf libraries from {perf}, managed port flavour {ManagedFlavour.Name}, seed {s.Seed}"));
        var iterations = s.Quick ? 200_000L : 2_000_000L;
        var points = new List<BenchPoint>();
        var counted = new List<CountedMetrics>();
        var hot = new List<HotPathReport>();
        var mixes = new List<InteropMixReport>();
        FloorReport? floor = null;
        var timed = s.Workloads.Length * s.Configs.Length * s.Backends.Length * s.Threads.Length;
        var countedRuns = s.Workloads.Length * s.Configs.Length * s.Threads.Length;

        AnsiConsole.Progress().Start(progress =>
        {
            var task = progress.AddTask("hot paths", maxValue: 1 + 2 * s.Configs.Length + timed + countedRuns);
            floor = HotPaths.Floor(driver, iterations, s.Repeats);
            task.Increment(1);
            foreach (var config in s.Configs)
            {
                task.Description = $"hot path {config}";
                hot.Add(HotPaths.HotPath(driver, NativeLibraryResolver.PathOf(config, perf), config, iterations, s.Repeats));
                task.Increment(1);
                mixes.Add(HotPaths.Mix(driver, NativeLibraryResolver.PathOf(config, perf), config, iterations / 340, s.Repeats));
                task.Increment(1);
            }

            foreach (var w in s.Workloads)
            {
                foreach (var t in s.Threads)
                {
                    foreach (var config in s.Configs)
                    {
                        foreach (var backend in s.Backends)
                        {
                            task.Description = $"{w.Name()} {backend} {config} {t} thread(s)";
                            points.Add(BenchRunner.Time(() => Create(backend, config), backend, config, w, s.Seed, t, s.Ops, s.Repeats));
                            task.Increment(1);
                        }

                        task.Description = $"{w.Name()} counted {config} {t} thread(s)";
                        counted.Add(BenchRunner.Count(config, w, s.Seed, t, Math.Max(1000, s.Ops / 5)));
                        task.Increment(1);
                    }
                }
            }
        });

        AnsiConsole.Write(BenchTables.HotPaths(floor!, hot, mixes));
        AnsiConsole.Write(BenchTables.Throughput(points));
        AnsiConsole.Write(BenchTables.Counted(counted));

        var report = new BenchReport(DateTimeOffset.UtcNow, Environment.MachineName, Environment.ProcessorCount,
            ManagedFlavour.Name, s.Seed, s.Quick ? "quick" : "full", floor, hot, mixes, points, counted);
        var json = Path.Combine(s.Output, "bench.json");
        BenchReportFile.Write(report, json);
        var plots = BenchPlot.Save(points, s.Output);
        AnsiConsole.MarkupLine(Markup.Escape($"wrote {json} and {plots.Count} plot(s) in {s.Output}"));

        var errors = points.Sum(p => p.Errors);
        if (errors > 0)
        {
            AnsiConsole.MarkupLine($"[red]bench: {errors.ToString(CultureInfo.InvariantCulture)} operation(s) failed; replay with --seed {s.Seed}[/]");
            return ExitCodes.Findings;
        }
        return ExitCodes.Clean;
    }

    private static Testbed.Contract.IAddressSpace Create(string backend, string config) => backend == AddressSpaceFactory.Native
        ? new NativeAddressSpace(config, "perf")
        : new ManagedAddressSpace(config);
}
