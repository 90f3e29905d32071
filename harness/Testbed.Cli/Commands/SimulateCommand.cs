// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Testbed.Cli.Commands.Sweeps;
using Testbed.CommandLine;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Kernel;
using Testbed.Harness.Reports;
using Testbed.Harness.Sharding;
using Testbed.Harness.Simulation;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>simulate</c>: N virtual CPUs run the model's own code under the controlled scheduler in
/// virtual time (docs/design-study.md, "Predictions"): throughput per design and CPU count,
/// line transfers per operation, where the time went, and the anchors predicted.
/// </summary>
public static class SimulateCommand
{
    private const string Description = """
        A discrete-event simulation of N virtual CPUs running the model's own code (the managed port's
        checked flavour by default, or the checked native library) under the controlled scheduler, which
        always resumes the thread whose virtual clock is earliest. Each scheduling point advances that
        thread's clock by its local work (the operation's single-thread time on the native perf flavour,
        measured here and spread evenly over the operation's points, except a munmap's zap: the share of
        its segments from its first zapped page on goes to its zapped pages, where unmap_page_range does
        it, not into the split before it, as the model's own time, taking no lock (managed backend); with
        --local kernel, the default on the published machines, plus the kernel work the model leaves out: per operation kind
        max(0, kernel - model(mmu)), the host kernel's own time for that kind in the workload's shape,
        measured here by native/bench's kernel mode, beyond the mmu model's; the same for every design,
        so the designs' differences stay the model's; it is page work, charged where the model does its
        page work — a fault's page allocation, before the PTE lock, and each entry munmap's zap clears —
        per page (the kind's added work over its pages per operation), and spread evenly with the rest
        for a kind with no pages and on --backend native, which reports no page events; --machine here
        keeps the model's own by default; where page work is charged, a page allocated or freed goes
        through 4.16's per-CPU lists: an allocation from an empty list refills 31 pages, a free that
        brings the list to 186 drains 31, each under the node's zone->lock (one node per socket), which a
        CPU waits for when another CPU of its node holds it, takes with one transfer of its line from the
        last holder, and keeps busy for 31 x one same-socket transfer per page (one struct page miss per
        page: Aaron Lu's zone->lock series, 2018), time already inside the page work charged); the same way, a
        fault's new page joins the LRU after the PTE check, under the PTE lock, on the CPU's pagevec of 15, a
        full one drained under the node's lru_lock, and munmap's freed pages leave the LRU under it, one
        acquisition per 32 pages (4.16's release_pages), each acquisition holding it for one same-socket
        transfer (the lruvec's line) plus one per released page (its struct page), also inside the page work
        charged) plus, when the point's line (the lock,
        atomic or seqcount it names) is in another CPU's cache, one transfer (MESI-like: a write takes the
        line exclusive, a read shares it; a line moves to one CPU at a time; it costs the machine's published
        latency between two hardware threads of one core, two cores of one socket, or two sockets, the
        machine's CPUs numbered as its OS does, every core before a second thread on x86, a core's threads
        together on POWER; where a thread runs is its benchmark's: will-it-scale (page-fault1..3, malloc1)
        pins task i to core i mod cores, its hardware thread i / cores, and virtual CPU t runs there;
        ebizzy, pft and single-vma do not pin, so virtual CPU t runs on CPU perm(t), perm a permutation
        the seed draws of the CPUs a scheduler fills first, idle cores before a busy core's sibling; a
        CPU whose core runs k threads of the point does all its local work k / throughput(k) times as
        long, throughput(k) the core's published work with k threads busy relative to one alone: 2 at
        1.15 on the Intel machines, 2 at 1.6 and 8 at 1.85 on the Power8 — sources in the machine table;
        fixed per point by the placement; transfers, waits and wake-ups not scaled; here and the VM have
        no siblings; each machine has its kernel's base page, 4 KiB, 64 KiB on the Power8
        (CONFIG_PPC_64K_PAGES, sources in the machine table): a workload shaped in bytes faults once per
        base page (ebizzy's 512 KiB record: 128 faults on x86, 8 on the Power8), each fault mapping the
        first of the model's 4 KiB pages of its base page, and with the kernel's work its page takes the
        4 KiB page's work once plus, per further 4 KiB, the kernel fault's cost less single-vma's (a
        zero-page fault): the allocation, zeroing, charge and LRU add, not separable, so it errs long);
        on the managed port the mm's locks and plain accesses
        land on the kernel's mm_struct lines (4.16 + SPF; 6.4 for the per-VMA-lock designs): pgd,
        page_table_lock and mmap_sem's count share one line, mm_rb, mm_rb_lock and vmacache_seqnum
        another, mmap_sem's owner and wait lock a third; a fault's walk reads pgd right after
        its last point, find_vma reads mm_rb's root, and mmap_sem's owner, wait lock and spinner queue
        are read and written where its code touches them: a hit when the CPU still holds the line, a
        transfer once a write another CPU requested earlier has moved it; a lock acquisition that finds
        the lock taken waits until the release, then pays the retry's transfer; the model's rw_semaphore
        keeps 4.16's rules (a FIFO wait list: a release grants read to the readers at its head up to the
        first queued writer, only wakes a head writer, which competes when it runs, and a writer spinning
        on a writer owner steals the lock ahead of the list): a sleeper runs only after its waker's wake
        call, the waker paying one call per wakee one after another and each wakee the wake -> run
        latency (both measured here; with --wakeup published, for lkp-skl-4sp1 and the Power8, derived
        from a published perf bench sched pipe figure of their family: half a round trip, and the call
        bounded by one task's busy time, plus per sleep the exit latency of the deepest cpuidle state
        whose target residency fits the sleep's length, less the one the figure's own sleeps hold:
        intel_idle's skx_cstates, POWER8's OPAL nap and fastsleep, an oracle governor); a spinning writer and every spinlock_t and rwlock_t wait spin: the
        wait only. Each CPU runs a window of
        its bench stream at its own phase of the iteration (the prefix runs untimed), so N CPUs sample
        every phase of the steady state: the iteration of L operations is cut into N strata, stratum j
        starting at operation L - 1 + floor(j L / N) (mod L), so a window that holds a munmap starts with
        it while every other CPU has its whole window to run; the seed deals the strata to the CPUs (a
        permutation: the streams do not depend on it; pft has no phase, so on pft a seed changes only
        the placement of its threads). Throughput is every operation
        over the last CPU's end of work (the makespan): right where the CPUs' windows run side by side
        (then the ends lie within about 15 % of each other) and where they run one after another
        (a lock held through one CPU's whole run: malloc1 under SMT), where the operations over the
        CPUs' mean end (meanEndNs in the JSON) would double the rate.

        Runs first the validation (one CPU = the calibrated time; no transfer cost = linear scaling of
        pft on mmu; the same seed = the same virtual times; exit 1 when one fails), then a sweep over
        --threads on --machine (not with --quick), then with --anchors (always with --quick) each anchor
        of the design study: its design and mmu on the anchor's machine and thread count, predicted
        difference beside the published one, and (not with --quick) every other --config against the
        same mmu point. With --seeds K each anchor runs with seeds --seed .. --seed + K - 1 (each its own
        unit, a different deal of strata and, unpinned, of CPUs; the validation and the sweep take --seed only), and the table gives the median predicted
        difference and its range over the seeds: the sign matches when the whole range lies on the
        published side of zero, is a tie when the range straddles zero, and ±10 pp and ×2 take the median.
        The calibration is read from --calibration (committed:
        docs/design-study/simulate-calibration.json) unless --calibrate measures a new one (the perf
        libraries' per-operation costs, the ping-pong transfer cost between two of this machine's cores and
        the wake-up of a thread sleeping on a futex (native/bench wakeup: FUTEX_WAIT/FUTEX_WAKE between two pinned threads;
        every machine takes it unless --wakeup published gives it its family's published figure), and the host kernel's own mmap, fault and munmap costs
        per workload), written to --out; --calibrate-wakeup re-measures only the wake-up, and
        --calibrate-kernel only the kernel costs, into a copy of --calibration written to --out. Writes <out>/simulate.json and <out>/simulate-<workload>.png (predicted
        throughput against virtual CPUs, log2 axis, one line per design of the sweep, the anchors of --seed as markers).

        A run is a sweep of units: the validation, then each sweep point (workload x config x CPUs), then
        each anchor with each seed. --shard k/n --result FILE computes units i % n == k only (each unit is a pure function
        of the calibration, seed and budget, so a shard computes it as a single run does) and `testbed merge`
        prints the tables a single run prints; simulate.json and the plots are written by a whole run only.
        """;

    public static Command Create()
    {
        var seed = CommonOptions.Seed();
        var quick = new Option<bool>("--quick") { Description = "Validation and the anchors at a small budget (under 5 minutes on 2 cores)." };
        var anchors = new Option<bool>("--anchors") { Description = "Predict every anchor of the design study's table." };
        var only = new Option<string[]>("--anchor")
        {
            Description = "Predict only these anchors (rows of the design study's table; implies --anchors).",
            AllowMultipleArgumentsPerToken = true,
        }.AcceptOnlyFromAmong([.. Anchors.All.Select(a => a.Row)]);
        var seeds = OptionRules.AtLeast(new Option<int>("--seeds")
        {
            Description = "Seeds per anchor: --seed, --seed + 1, ..; the anchor table gives the median and the range over them, a range across zero a tie.",
            DefaultValueFactory = _ => 1,
        }, 1);
        var calibrate = new Option<bool>("--calibrate") { Description = "Measure a new calibration (per-operation costs on the perf libraries, ping-pong, wake-up, the host kernel's costs) and use it." };
        var calibrateWakeup = new Option<bool>("--calibrate-wakeup")
        {
            Description = "Measure only the wake-up latency (native/bench wakeup: a futex hand-over between two pinned threads) into a copy of --calibration written to --out, and use it.",
        };
        var calibrateKernel = new Option<bool>("--calibrate-kernel")
        {
            Description = "Measure only the host kernel's costs per workload and operation kind (native/bench kernel) and what each further 4 KiB of a bigger page adds to a fault (native/bench zero: a transparent huge page's fault against 4 KiB ones) into a copy of --calibration written to --out, and use it.",
        };
        var local = new Option<string?>("--local")
        {
            Description = "The local work of an operation: model (the design's calibrated time) or kernel (that plus max(0, kernel - model(mmu)) " +
                "per kind: the kernel work the model leaves out, charged per page at a fault's page allocation and munmap's zap). " +
                "Default: kernel on the published machines, model on here.",
        }.AcceptOnlyFromAmong([.. LocalWorks.Names]);
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
            Description = $"The sweep's machine: {string.Join(", ", machineNames)} ({Here}: this machine's CPUs, one socket, each CPU a core, the calibration's ping-pong cost; the others: published topologies with SMT siblings where the record's machine had them).",
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
        var wakeupChoice = new Option<string>("--wakeup")
        {
            Description = "The bare-metal machines' wake-up of a sleeping lock waiter: published (the default: lkp-skl-4sp1's and the Power8's " +
                "derived from a published perf bench sched pipe figure of their family, plus, per sleep, the exit latency of the deepest cpuidle " +
                "state whose target residency fits the sleep's length — intel_idle's skx_cstates, POWER8's OPAL nap and fastsleep; an oracle " +
                "governor — less the state the figure's own short sleeps hold) or measured (the futex hand-over measured on this VM, which every " +
                "other machine takes either way).",
            DefaultValueFactory = _ => WakeupChoices.Default.Name(),
        }.AcceptOnlyFromAmong([.. WakeupChoices.Names]);
        var output = new OutputFolder("--out")
        {
            Description = "Folder for simulate.json (and simulate-calibration.json with --calibrate).",
            DefaultValueFactory = _ => new DirectoryInfo("results"),
        };

        var shard = SweepOptions.Shard();
        shard.Description += " Here unit 0 is the validation, then the sweep's points, then the anchors.";
        var result = SweepOptions.Result();

        var command = new Command("simulate", Description);
        foreach (var option in new Option[] { seed, seeds, quick, anchors, only, calibrate, calibrateWakeup, calibrateKernel, local, wakeupChoice, calibration, budget, backend, machine, threads, configs, workloads, output, shard, result })
            command.Options.Add(option);
        SweepOptions.RequireResultWithShard(command, shard, result);
        command.Validators.Add(r =>
        {
            if (OptionRules.ValueOr(r, shard, Shard.All).Count > 1 && (OptionRules.ValueOr(r, calibrate, false) || OptionRules.ValueOr(r, calibrateWakeup, false)
                || OptionRules.ValueOr(r, calibrateKernel, false)))
                r.AddError("--calibrate with --shard (or --calibrate-wakeup, --calibrate-kernel with --shard) would calibrate each shard apart: calibrate once, then give every shard that --calibration");
            if (OptionRules.ValueOr(r, calibrate, false) && OptionRules.ValueOr(r, calibrateWakeup, false))
                r.AddError("--calibrate already measures the wake-up: give one of --calibrate and --calibrate-wakeup");
            if (OptionRules.ValueOr(r, calibrate, false) && OptionRules.ValueOr(r, calibrateKernel, false))
                r.AddError("--calibrate already measures the kernel costs: give one of --calibrate and --calibrate-kernel");
        });
        command.SetAction(parse =>
        {
            var isQuick = parse.GetValue(quick);
            var rows = parse.GetValue(only) ?? [];
            var settings = new Settings(parse.GetValue(seed), parse.GetValue(seeds), isQuick,
                isQuick || parse.GetValue(anchors) || rows.Length > 0 ? [.. Anchors.All.Where(a => rows.Length == 0 || rows.Contains(a.Row))] : [],
                parse.GetValue(calibrate), parse.GetValue(calibrateWakeup),
                parse.GetValue(calibrateKernel), parse.GetValue(local) is { } l ? LocalWorks.Parse(l) : null,
                WakeupChoices.Parse(parse.GetValue(wakeupChoice)!),
                parse.GetValue(calibration)?.FullName ?? Path.Combine(RepoPaths.Root(), "docs", "design-study", "simulate-calibration.json"),
                parse.GetValue(budget) ?? (isQuick ? 2048 : 8192), parse.GetValue(backend)!,
                parse.GetValue(machine)!, parse.GetValue(threads)!, parse.GetValue(configs)!,
                [.. parse.GetValue(workloads)!.Select(BenchWorkloads.Parse)], parse.GetValue(output)!.FullName,
                parse.GetValue(shard), parse.GetValue(result));
            return Run(settings);
        });
        return command;
    }

    /// <summary>Operations timed per (design, workload) and round when calibrating, and the rounds.</summary>
    private const int CalibrationBudget = 8192;

    private const int CalibrationRounds = 11;

    private sealed record Settings(ulong Seed, int Seeds, bool Quick, IReadOnlyList<Anchor> Anchors, bool Calibrate, bool CalibrateWakeup, bool CalibrateKernel, LocalWork? Local, WakeupChoice Wakeup, string CalibrationPath, int Budget, string Backend,
        string Machine, int[] Threads, string[] Configs, BenchWorkload[] Workloads, string Output, Shard Shard, FileInfo? Result);

    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "simulate";

    /// <summary>The --machine name of this machine.</summary>
    private const string Here = "here";

    /// <summary>The --machine name of <paramref name="m"/>.</summary>
    private static string Key(Machine m) => m == Machines.X86Vm16 ? "x86-vm16"
        : m == Machines.X86x24 ? "x86-24"
        : m == Machines.Power8x80 ? "power8-80"
        : m == Machines.Power8Vm1024 ? "power8-vm-1024"
        : m == Machines.SkylakeSp4x192 ? "skl-4s-192"
        : "icl-2s-128";

    private static int Run(Settings s)
    {
        // A calibration measured (whole or in part) by this run goes to --out.
        void Save(Calibration measured)
        {
            var written = Path.Combine(s.Output, "simulate-calibration.json");
            SimulationFiles.Write(measured, written);
            Terminal.Line($"wrote {written}");
        }

        Calibration calibration;
        if (s.Calibrate || !File.Exists(s.CalibrationPath))
        {
            Terminal.Line(s.Calibrate ? "simulate: calibrating" : $"simulate: no calibration at {s.CalibrationPath}: calibrating");
            calibration = Calibrator.Measure(CommonOptions.MmuConfigs, BenchWorkloads.All, s.Seed, CalibrationBudget, CalibrationRounds, Driver(), Terminal.Line);
            Save(calibration);
        }
        else
            calibration = SimulationFiles.ReadCalibration(s.CalibrationPath);
        if (s.CalibrateWakeup)
        {
            Terminal.Line("simulate: measuring the wake-up latency");
            calibration = calibration with { Wakeup = WakeupLatency.Measure(Driver(), CalibrationRounds) };
            Save(calibration);
        }
        if (s.CalibrateKernel)
        {
            Terminal.Line("simulate: measuring the host kernel's costs");
            calibration = calibration with { Kernel = KernelCalibrator.Measure(Driver(), BenchWorkloads.All, CalibrationBudget, CalibrationRounds, Terminal.Line) };
            Save(calibration);
        }
        var wakeup = calibration.RequireWakeup();

        var here = Machines.Here(Math.Max(2, Environment.ProcessorCount), calibration.PingPongNs);
        Terminal.Line($"simulate: backend {s.Backend}, seed {s.Seed}, {s.Budget} operations per point; calibration of {calibration.Taken:yyyy-MM-dd HH:mm} UTC on {calibration.Host} " +
            $"({calibration.Cpus} CPUs): ping-pong {calibration.PingPongNs:F1} ns per transfer (rounds: {string.Join(", ", calibration.PingPongRoundsNs.Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))})");
        var study = new SimulationStudy(calibration, s.Seed, s.Budget, s.Backend, s.Local, s.Wakeup);
        Terminal.Line($"simulate: wake-up of a sleeping lock waiter measured here: wake -> run {wakeup.LatencyNs:F0} ns, " +
            $"the waker's call {wakeup.WakeCallNs:F0} ns (rounds: {string.Join(", ", wakeup.LatencyRoundsNs.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} ns); " +
            $"--wakeup {s.Wakeup.Name()}: " + (s.Wakeup == WakeupChoice.Published
                ? "lkp-skl-4sp1 and the Power8 take their family's published perf bench sched pipe figure, plus the exit of the idle state a sleeper's CPU slept in, every other machine this one (the table's wake-up columns)"
                : "every machine takes it"));
        foreach (var line in SimulationText.Machines(new[] { here }.Concat(Machines.Published).Select(study.Wakes)))
            Terminal.Line(line);

        var sweep = s.Machine == Here ? here : Machines.Published.First(m => Key(m) == s.Machine);
        var points = s.Quick ? [] : (from w in s.Workloads from config in s.Configs from t in s.Threads.Where(t => t <= sweep.Cpus) select (w, config, t)).ToArray();
        var anchorList = s.Anchors;
        // One study per seed: an anchor's unit with seed s + j is a pure function of that seed.
        var studies = new Dictionary<ulong, SimulationStudy> { [s.Seed] = study };
        SimulationStudy StudyOf(int j)
        {
            var seed = unchecked(s.Seed + (ulong)j);
            if (!studies.TryGetValue(seed, out var st))
                studies[seed] = st = new SimulationStudy(calibration, seed, s.Budget, s.Backend, s.Local, s.Wakeup);
            return st;
        }
        // The validation's one-CPU and zero-cost points take the local work the predictions take.
        var validationWork = study.LocalFor(anchorList.Count > 0 ? anchorList[0].Machine : sweep);
        Terminal.Line($"simulate: local work: {study.LocalFor(here).Name()} on {here.Name}, " +
            string.Join(", ", Machines.Published.Select(m => $"{study.LocalFor(m).Name()} on {m.Name}")));
        if (calibration.Kernel is { } kernel)
        {
            Terminal.Line($"simulate: kernel costs (host kernel {kernel.Release}, {kernel.Taken:yyyy-MM-dd HH:mm} UTC, load average {kernel.LoadAverage}), ns mmap / fault / munmap: " +
                string.Join("; ", kernel.Workloads.Select(k => $"{k.Workload} {Ns(k, "Mmap")} / {Ns(k, "Fault")} / {Ns(k, "Munmap")}")));
        }
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["seeds"] = s.Seeds.ToString(CultureInfo.InvariantCulture),
            ["budget"] = s.Budget.ToString(CultureInfo.InvariantCulture),
            ["backend"] = s.Backend,
            ["calibration"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SimulationFiles.Text(calibration)))),
            ["points"] = string.Join(",", points.Select(p => $"{p.w.Name()}/{p.config}/{p.t}")),
            ["machine"] = sweep.Name,
            ["anchors"] = string.Join(",", anchorList.Select(a => a.Row)),
            ["others"] = s.Quick ? "" : string.Join(",", s.Configs),
            ["local"] = s.Local is { } work ? work.Name() : "per machine",
            ["wakeup"] = s.Wakeup.Name(),
        };
        SimulationUnit Compute(int i)
        {
            if (i == 0)
            {
                var validation = study.Validate(here, validationWork);
                Terminal.Line("validation: " + (validation.Holds ? "holds" : "FAILS"));
                return new SimulationUnit(validation, null, null);
            }
            if (i <= points.Length)
            {
                var (w, config, t) = points[i - 1];
                Terminal.Line($"point: {w.Name()} {config}, {t} CPUs of {sweep.Name}");
                return new SimulationUnit(null, study.Simulate(w, config, t, sweep), null);
            }
            var (anchor, j) = int.DivRem(i - 1 - points.Length, s.Seeds);
            var a = anchorList[anchor];
            var on = StudyOf(j);
            Terminal.Line($"anchor {a.Row}: {a.Workload.Name()} {a.Config} vs mmu, {a.Threads} CPUs of {a.Machine.Name}, seed {unchecked(s.Seed + (ulong)j)}");
            return new SimulationUnit(null, null, on.Predict(a, s.Quick ? null : s.Configs));
        }

        var units = 1 + points.Length + anchorList.Count * s.Seeds;
        return SweepRun.Execute(Kind, parameters, units, s.Shard, s.Result, i => new SweepUnit(i, Compute(i).ToJson()), file =>
        {
            var code = Report(file);
            if (file.Shard.Count == 1)
                WriteReport(file, s, calibration, here);
            return code;
        });
    }

    private static string Driver() => Path.Combine(RepoPaths.Root(), "build", "native", "perf", "bench");

    private static string Ns(KernelCost k, string kind) =>
        k.NsPerOp.TryGetValue(kind, out var ns) ? ns.ToString("F0", CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// The units a result file's parameters make: the validation, the sweep's points, the anchors
    /// times the seeds (one seed in a file from before --seeds).
    /// </summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var seeds = parameters.ContainsKey("seeds") ? SweepParameters.Count(parameters, "seeds") : 1;
        return 1 + SweepParameters.ListLength(parameters, "points") + (long)SweepParameters.ListLength(parameters, "anchors") * seeds;
    }

    /// <summary>Null when <paramref name="unit"/> holds the kind of unit its index makes (validation, point, anchor); else what is wrong.</summary>
    public static string? CheckUnit(IReadOnlyDictionary<string, string> parameters, SweepUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        SimulationUnit u;
        try
        {
            u = SimulationUnit.FromJson(unit.Result);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        var points = SweepParameters.ListLength(parameters, "points");
        var (expected, holds) = unit.Index == 0 ? ("the validation", u.Validation is not null)
            : unit.Index <= points ? ("a sweep point", u.Point is not null)
            : ("an anchor", u.Anchor is not null);
        return holds ? null : $"unit {unit.Index} should hold {expected}";
    }

    /// <summary>Prints the tables of a whole or merged run (the validation, the sweep, the anchors) and returns its exit code.</summary>
    public static int Report(SweepFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var units = file.Results.OrderBy(u => u.Index).Select(u => SimulationUnit.FromJson(u.Result)).ToArray();
        var validation = units.Select(u => u.Validation).FirstOrDefault(v => v is not null);
        var points = units.Where(u => u.Point is not null).Select(u => u.Point!).ToArray();
        var predictions = units.Where(u => u.Anchor is not null).Select(u => u.Anchor!).ToArray();
        var anchors = AnchorOverSeeds.Group(predictions);
        var code = ExitCodes.Clean;
        if (validation is not null)
        {
            Terminal.Line("");
            foreach (var line in SimulationText.Validation(validation))
                Terminal.Line(line);
            if (validation.Holds)
                Terminal.Pass("validation: every invariant holds");
            else
            {
                Terminal.Fail($"simulate: the engine's invariants do not hold; replay with --seed {file.Parameters.GetValueOrDefault("seed")}");
                code = ExitCodes.Findings;
            }
        }
        if (points.Length > 0)
        {
            Terminal.Line("");
            foreach (var line in SimulationText.Points(points))
                Terminal.Line(line);
        }
        if (predictions.Length > 0)
        {
            Terminal.Line("");
            foreach (var line in SimulationText.Points(predictions.SelectMany(p => new[] { p.Design, p.Baseline })))
                Terminal.Line(line);
            Terminal.Line("");
            foreach (var line in SimulationText.Anchors(anchors))
                Terminal.Line(line);
            if (predictions.Any(p => p.Others.Count > 0))
            {
                Terminal.Line("");
                foreach (var line in SimulationText.AllDesigns(anchors))
                    Terminal.Line(line);
            }
        }
        var all = points.Concat(predictions.SelectMany(p => new[] { p.Design, p.Baseline })).ToArray();
        var failed = all.Sum(r => r.Failed);
        var lost = all.FirstOrDefault(r => r.SchedulerFailure is not null);
        if (failed > 0 || lost is not null)
        {
            Terminal.Fail($"simulate: {failed} operation(s) failed{(lost is null ? "" : $"; control lost in {lost.Workload} {lost.Config} {lost.Threads}: {lost.SchedulerFailure}")}; replay with --seed {file.Parameters.GetValueOrDefault("seed")}");
            code = ExitCodes.Findings;
        }
        return code;
    }

    // A whole run also writes simulate.json and the plots.
    private static void WriteReport(SweepFile file, Settings s, Calibration calibration, Machine here)
    {
        var units = file.Results.OrderBy(u => u.Index).Select(u => SimulationUnit.FromJson(u.Result)).ToArray();
        var validation = units.Select(u => u.Validation).First(v => v is not null)!;
        var points = units.Where(u => u.Point is not null).Select(u => u.Point!).ToArray();
        var predictions = units.Where(u => u.Anchor is not null).Select(u => u.Anchor!).ToArray();
        var report = new SimulationReport(DateTimeOffset.UtcNow, s.Seed, s.Seeds, s.Backend, s.Budget, calibration, s.Wakeup.Name(),
            [.. new[] { here }.Concat(Machines.Published).Select(m => m.WithWakeup(calibration.RequireWakeup(), s.Wakeup))],
            validation, [.. points, .. predictions.SelectMany(p => new[] { p.Design, p.Baseline })], predictions);
        var json = Path.Combine(s.Output, "simulate.json");
        SimulationFiles.Write(report, json);
        var plots = SimulationPlot.Save(points, [.. predictions.Where(p => p.Design.Seed == s.Seed)], s.Output);
        Terminal.Line($"wrote {json} and {plots.Count} plot(s) in {s.Output}");
    }
}
