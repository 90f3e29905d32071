// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
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

        Workloads (in their published shapes; "top-down": mmap(NULL), placed by the model's get_unmapped_area
        in the highest free hole, so a mapping meets live neighbours and merges as in a real process):
          ebizzy       ebizzy -mTt: 10 chunks of 512 KiB written at start; each iteration mmap a 512 KiB copy
                       (top-down), write-fault its 128 pages once, munmap.
          page-fault1  will-it-scale page_fault1: mmap 128 MiB anonymous (top-down), write every page, munmap.
          page-fault2  will-it-scale page_fault2: the same on a private mapping of the thread's own 128 MiB file.
          page-fault3  will-it-scale page_fault3: the same on a shared mapping of the thread's own 128 MiB file.
          malloc1      will-it-scale malloc1 through glibc: mmap 128 MiB + 4 KiB (top-down), one write fault
                       (the chunk header), munmap.
          single-vma   every thread read-faults random pages of one shared populated VMA (no published anchor).
          pft          pft: one anonymous region; each thread write-faults its own part (--ops pages), once.
        In the perf flavours a private write fault that installs a page takes a 4 KiB page from a per-thread
        pool and zeroes it (given back at unmap), as do_anonymous_page does.

        Metrics:
          floor        ns of an uncontended rwlock read lock+unlock + atomic inc+dec + an rb-tree walk of the
                       hot path's depth (native/bench), sampled in the hot paths' rounds; each design's fault
                       hot path as a multiple of it (median of the per-round ratios).
          hot paths    single thread, populated page, no contention: C (tb_batch of 256, tb_fault per call,
                       get/put), C# through the interop, the managed port; ratios managed/C and C#/C.
          ops/s        median of --repeats rounds; in every round each backend x config runs once, in turn
                       (interleaved), and mmu a second time (the A/A arm); spread = (max-min)/median; vs mmu =
                       the median of the per-round ratios to the same backend's mmu; the noise band is the
                       largest A/A difference, and a difference inside it reads "within noise".
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
            Description = "Designs to compare; with mmu among them, each is compared with mmu, and mmu runs a second time as the A/A arm.",
            DefaultValueFactory = _ => CommonOptions.MmuConfigs,
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong(CommonOptions.MmuConfigs);
        var backends = CommonOptions.Backend([.. AddressSpaceFactory.Backends]);
        backends.Description = "Backends to time, both in this process: native (the perf libraries through the interop) and/or managed (the C# port, perf flavour).";
        var threads = CommonOptions.Threads(DefaultThreads());
        var repeats = OptionRules.AtLeast(new Option<int>("--repeats")
        {
            Description = "Rounds: in each, every backend x config (and mmu's A/A twin) runs once, in turn; medians, " +
                "spreads and per-round ratios are over the rounds (at least 5 for the study).",
            DefaultValueFactory = _ => 5,
        }, 1);
        var ops = CommonOptions.Ops(200_000, "Operations per thread per timed run (counted runs use a fifth).");
        var quick = new Option<bool>("--quick")
        {
            Description = "Preset under 5 minutes on 2 cores: 100,000 operations per thread, shorter hot-path loops, " +
                "and unless --config says otherwise only the design under review against the baseline (mmu-spf, mmu).",
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
                isQuick ? OptionRules.ValueOr(parse.CommandResult, configs, QuickConfigs) : parse.GetValue(configs)!,
                parse.GetValue(backends)!, parse.GetValue(threads)!,
                parse.GetValue(repeats),
                isQuick ? OptionRules.ValueOr(parse.CommandResult, ops, 100_000) : parse.GetValue(ops),
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

    /// <summary>The config every design is compared with, and whose A/A arm gives the noise band.</summary>
    private const string Baseline = "mmu";

    /// <summary>--quick's designs: the one under review and the baseline.</summary>
    private static readonly string[] QuickConfigs = ["mmu-spf", Baseline];

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
            Terminal.Fail($"perf flavour missing ({string.Join(", ", missing)} in {perf}, or {driver}): build with `make -C native perf` or `dotnet build`");
            return ExitCodes.Failed;
        }

        Terminal.Line(
            $"bench: {Environment.ProcessorCount} CPUs, native perf libraries from {perf}, managed port flavour {ManagedFlavour.Name}, seed {s.Seed}");
        var iterations = s.Quick ? 200_000L : 2_000_000L;
        var points = new List<BenchPoint>();
        var counted = new List<CountedMetrics>();
        var hot = new List<HotPathReport>();
        var mixes = new List<InteropMixReport>();
        FloorReport? floor = null;
        // Each (workload, threads) is one interleaved comparison: every backend x config, and per
        // backend the baseline a second time (the A/A arm), one run each per round.
        var arms = s.Backends.SelectMany(b => s.Configs.Select(c => new BenchArm(b, c))
            .Concat(s.Configs.Contains(Baseline) ? [new BenchArm(b, Baseline, Twin: true)] : [])).ToArray();
        var comparisons = s.Workloads.Length * s.Threads.Length;
        var countedRuns = s.Workloads.Length * s.Configs.Length * s.Threads.Length;

        Terminal.Progress(progress =>
        {
            var task = progress.Add("hot paths", 1 + s.Configs.Length + comparisons + countedRuns);
            var designs = s.Configs.Select(c => (c, NativeLibraryResolver.PathOf(c, perf))).ToArray();
            var measured = HotPaths.Interleaved(driver, designs, iterations, s.Repeats);
            floor = measured.Floor;
            hot.AddRange(measured.Hot);
            task.Step();
            foreach (var (config, library) in designs)
            {
                task.Now($"op mix {config}");
                mixes.Add(HotPaths.Mix(driver, library, config, iterations / 340, s.Repeats));
                task.Step();
            }

            foreach (var w in s.Workloads)
            {
                foreach (var t in s.Threads)
                {
                    task.Now($"{w.Name()} {t} thread(s), {arms.Length} arms interleaved");
                    points.AddRange(BenchRunner.TimeInterleaved(arms, Create, w, s.Seed, t, s.Ops, s.Repeats, Baseline));
                    task.Step();
                    foreach (var config in s.Configs)
                    {
                        task.Now($"{w.Name()} counted {config} {t} thread(s)");
                        counted.Add(BenchRunner.Count(config, w, s.Seed, t, Math.Max(1000, s.Ops / 5)));
                        task.Step();
                    }
                }
            }
        });

        Terminal.Write(BenchTables.HotPaths(floor!, hot, mixes));
        Terminal.Write(BenchTables.Throughput(points));
        Terminal.Write(BenchTables.Counted(counted));

        var report = new BenchReport(DateTimeOffset.UtcNow, Environment.MachineName, Environment.ProcessorCount,
            ManagedFlavour.Name, s.Seed, s.Quick ? "quick" : "full", floor, hot, mixes, points, counted);
        var json = Path.Combine(s.Output, "bench.json");
        BenchReportFile.Write(report, json);
        var plots = BenchPlot.Save(points, s.Output);
        Terminal.Line($"wrote {json} and {plots.Count} plot(s) in {s.Output}");

        var unexpected = points.Where(p => p.Flavour != ManagedFlavour.Perf).Select(p => $"{p.Backend} {p.Label}: {p.Flavour}").Distinct().ToArray();
        if (unexpected.Length > 0)
            Terminal.Warn($"bench: not the perf flavour: {string.Join(", ", unexpected)}");
        var errors = points.Sum(p => p.Errors);
        if (errors > 0)
        {
            Terminal.Fail($"bench: {errors.ToString(CultureInfo.InvariantCulture)} operation(s) failed; replay with --seed {s.Seed}");
            return ExitCodes.Findings;
        }
        return ExitCodes.Clean;
    }

    private static Testbed.Contract.IAddressSpace Create(string backend, string config) => backend == AddressSpaceFactory.Native
        ? new NativeAddressSpace(config, "perf")
        : new ManagedAddressSpace(config);
}
