// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Workloads;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Worker;

/// <summary>
/// Immutable description of one worker-process run: which backend and config,
/// which workload, and how to start the process. Change it with the With... methods.
/// </summary>
public sealed record WorkerOptions
{
    /// <summary>A worker for <paramref name="workload"/> on <paramref name="backend"/>/<paramref name="config"/>.</summary>
    public WorkerOptions(string backend, string config, Workload workload)
    {
        Backend = backend;
        Config = config;
        Workload = workload;
    }

    /// <summary>"native" or "managed".</summary>
    public string Backend { get; init; }

    /// <summary>The config, e.g. "mmu-spf".</summary>
    public string Config { get; init; }

    /// <summary>The workload the worker runs.</summary>
    public Workload Workload { get; init; }

    /// <summary>The default flavour: the checked builds of both backends.</summary>
    public const string Checked = ManagedFlavour.CheckedName;

    /// <summary>The perf flavour: build/native/perf, and the managed port with TESTBED_MANAGED_FLAVOUR=perf.</summary>
    public const string Perf = ManagedFlavour.Perf;

    /// <summary><see cref="Checked"/> or <see cref="Perf"/>.</summary>
    public string Flavour { get; init; } = Checked;

    /// <summary>Optional cap on the threaded part's wall time.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// TEST ONLY: the test-only crash hook (build/native/test-only/libcrash-hook.so)
    /// the worker loads to crash itself; null for a normal run.
    /// </summary>
    public string? CrashLibrary { get; init; }

    /// <summary>TEST ONLY: the worker crashes before thread 0's operation with this index.</summary>
    public int CrashAfter { get; init; }

    /// <summary>How tb_test_crash should crash (its <c>how</c> argument: 1 = SIGSEGV, 2 = abort).</summary>
    public int CrashHow { get; init; }

    /// <summary>Extra environment variables for the worker (e.g. TESTBED_NATIVE_DIR for a sanitizer build).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The worker assembly to run (testbed-worker.dll); null finds it next to the running program.</summary>
    public string? WorkerAssembly { get; init; }

    /// <summary>How long a worker may take beyond its duration cap (checks and teardown) before it counts as hung.</summary>
    public static readonly TimeSpan HangMargin = TimeSpan.FromMinutes(5);

    /// <summary>Kills the worker after this long (a hang is reported like a crash).</summary>
    public TimeSpan Timeout { get; init; } = HangMargin;

    /// <summary>
    /// With the perf or the checked flavour. The managed port reads its flavour once per
    /// process from TESTBED_MANAGED_FLAVOUR, so the perf flavour sets it for the worker.
    /// </summary>
    public WorkerOptions WithFlavour(string flavour) => flavour switch
    {
        Perf => WithEnvironment(ManagedFlavour.Variable, ManagedFlavour.Perf) with { Flavour = Perf },
        Checked => this with { Flavour = Checked },
        _ => throw new ArgumentException($"unknown flavour '{flavour}' (known: {Checked}, {Perf})", nameof(flavour)),
    };

    /// <summary>
    /// With a duration cap, and a hang guard at least <see cref="HangMargin"/> past it: a
    /// fixed guard shorter than the cap killed every run capped above it as a hang.
    /// </summary>
    public WorkerOptions WithDuration(TimeSpan? duration) => this with
    {
        Duration = duration,
        Timeout = duration is { } d && d + HangMargin > Timeout ? d + HangMargin : Timeout,
    };

    /// <summary>TEST ONLY: with a crash through <paramref name="library"/>'s tb_test_crash after <paramref name="ops"/> operations.</summary>
    public WorkerOptions WithCrash(string library, int ops, int how = 1) =>
        this with { CrashLibrary = library, CrashAfter = ops, CrashHow = how };

    /// <summary>With one more environment variable.</summary>
    public WorkerOptions WithEnvironment(string name, string value) =>
        this with { Environment = new Dictionary<string, string>(Environment) { [name] = value } };

    /// <summary>With an explicit testbed-worker.dll.</summary>
    public WorkerOptions WithWorkerAssembly(string path) => this with { WorkerAssembly = path };

    /// <summary>With another timeout.</summary>
    public WorkerOptions WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>With another workload.</summary>
    public WorkerOptions WithWorkload(Workload workload) => this with { Workload = workload };

    /// <summary>Seconds to a tick (100 ns), TimeSpan's resolution, so no positive cap is written as 0.</summary>
    public const string DurationFormat = "0.#######";

    /// <summary>testbed-worker's arguments.</summary>
    public IReadOnlyList<string> Arguments(string ringFile)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var args = new List<string>
        {
            WorkerArguments.Backend, Backend, WorkerArguments.Config, Config, WorkerArguments.Mix, Workload.Mix.Name(),
            WorkerArguments.Seed, Workload.Seed.ToString(inv), WorkerArguments.Threads, Workload.Threads.ToString(inv),
            WorkerArguments.Ops, Workload.OpsPerThread.ToString(inv), WorkerArguments.RingFile, ringFile, WorkerArguments.WatchStdin,
        };
        if (Flavour != Checked)
            args.AddRange([WorkerArguments.Flavour, Flavour]);
        if (Duration is { } d)
            args.AddRange([WorkerArguments.Duration, d.TotalSeconds.ToString(DurationFormat, inv)]);
        if (CrashLibrary is { } library)
        {
            args.AddRange([WorkerArguments.CrashLibrary, library, WorkerArguments.CrashAfter, CrashAfter.ToString(inv),
                WorkerArguments.CrashHow, CrashHow.ToString(inv)]);
        }

        return args;
    }
}
