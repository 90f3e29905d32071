// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Workloads;

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

    /// <summary>Optional cap on the threaded part's wall time.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// TEST ONLY: after this many operations on thread 0 the worker calls the
    /// native tb_debug_crash entry point (with TESTBED_ALLOW_CRASH=1 set for it).
    /// </summary>
    public int? DebugCrashAfter { get; init; }

    /// <summary>How tb_debug_crash should crash (its <c>how</c> argument: 1 = SIGSEGV, 2 = abort).</summary>
    public int DebugCrashHow { get; init; }

    /// <summary>Extra environment variables for the worker (e.g. TESTBED_NATIVE_DIR for a sanitizer build).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The CLI assembly to run (testbed.dll); null finds it next to the running program.</summary>
    public string? WorkerAssembly { get; init; }

    /// <summary>Kills the worker after this long (a hang is reported like a crash).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>With a duration cap.</summary>
    public WorkerOptions WithDuration(TimeSpan? duration) => this with { Duration = duration };

    /// <summary>TEST ONLY: with a crash through tb_debug_crash after <paramref name="ops"/> operations.</summary>
    public WorkerOptions WithDebugCrash(int ops, int how = 1) => this with { DebugCrashAfter = ops, DebugCrashHow = how };

    /// <summary>With one more environment variable.</summary>
    public WorkerOptions WithEnvironment(string name, string value) =>
        this with { Environment = new Dictionary<string, string>(Environment) { [name] = value } };

    /// <summary>With an explicit testbed.dll.</summary>
    public WorkerOptions WithWorkerAssembly(string path) => this with { WorkerAssembly = path };

    /// <summary>With another timeout.</summary>
    public WorkerOptions WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>With another workload.</summary>
    public WorkerOptions WithWorkload(Workload workload) => this with { Workload = workload };

    /// <summary>The worker subcommand's arguments (after "testbed").</summary>
    public IReadOnlyList<string> Arguments(string ringFile)
    {
        var args = new List<string>
        {
            "worker", "--backend", Backend, "--config", Config, "--mix", Workload.Mix.Name(),
            "--seed", Workload.Seed.ToString(), "--threads", Workload.Threads.ToString(),
            "--ops", Workload.OpsPerThread.ToString(), "--ring-file", ringFile,
        };
        if (Duration is { } d)
            args.AddRange(["--duration", d.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)]);
        if (DebugCrashAfter is { } crash)
            args.AddRange(["--debug-crash-after", crash.ToString(), "--debug-crash-how", DebugCrashHow.ToString()]);
        return args;
    }
}
