// SPDX-License-Identifier: GPL-2.0-only
using System.Text;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Worker;

/// <summary>
/// Runs one concurrent run in a child process (<c>dotnet exec testbed-worker.dll ...</c>,
/// or its apphost in a self-contained publish)
/// so that a crash in native code becomes a result row instead of a dead harness.
/// The worker's stdin stays open while this process lives: the worker ends itself
/// when it closes, so no worker outlives its parent. A cancelled run kills the
/// worker; the ring file is removed on every path.
/// </summary>
public static class WorkerLauncher
{
    /// <summary>The prefix of ring file names in the temporary folder.</summary>
    public const string RingFilePrefix = "testbed-ring-";

    private const int StderrTailChars = 4000;

    private static readonly (string Token, string Name)[] SignalTokens =
    [
        ("SEGV", "SIGSEGV"), ("SIGABRT", "SIGABRT"), ("SIGBUS", "SIGBUS"), ("SIGILL", "SIGILL"),
        ("SIGFPE", "SIGFPE"), ("SIGKILL", "SIGKILL"), ("SIGTRAP", "SIGTRAP"),
    ];

    /// <summary>Runs the worker and returns its result, or a crash row when it did not report.</summary>
    public static async Task<RunResult> RunAsync(WorkerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ring = Path.Combine(Path.GetTempPath(), $"{RingFilePrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            return await RunAsync(options, ring, cancellationToken);
        }
        finally
        {
            File.Delete(ring);
            LiveWorkers.Remove(ring);
        }
    }

    private static async Task<RunResult> RunAsync(WorkerOptions options, string ring, CancellationToken cancellationToken)
    {
        var (file, prefix) = WorkerCommand(LocateAssembly(options));
        var command = Cli.Wrap(file)
            .WithArguments([.. prefix, .. options.Arguments(ring)])
            .WithEnvironmentVariables(WorkerEnvironment(options))
            .WithStandardInputPipe(PipeSource.Create(HoldOpenAsync))
            .WithValidation(CommandResultValidation.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        TestPhase.Reach(TestPhase.WorkerStarting, cancellationToken);
        // No worker starts after a signal; one that starts as it arrives is
        // killed by the token's registration inside CliWrap.
        cancellationToken.ThrowIfCancellationRequested();
        BufferedCommandResult result;
        try
        {
            var run = command.ExecuteBufferedAsync(Encoding.UTF8, timeout.Token);
            LiveWorkers.Add(ring, run.ProcessId);
            result = await run;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CrashRow(options, exitCode: -1, signal: 9, $"no result within {options.Timeout.TotalSeconds:0}s: killed", ring, "");
        }

        TestPhase.Reach(TestPhase.WorkerExited, cancellationToken);
        var parsed = result.ExitCode == 0 ? ParseResult(result.StandardOutput) : null;
        if (parsed is not null)
            return parsed;
        var (signal, reason) = Diagnose(result.ExitCode, result.StandardError);
        return CrashRow(options, result.ExitCode, signal, reason, ring, result.StandardError);
    }

    /// <summary>
    /// What killed a worker: the signal from an exit code of 128+N or from the
    /// runtime's or a sanitizer's message, and a one-line reason.
    /// </summary>
    public static (int? Signal, string Reason) Diagnose(int exitCode, string stderr)
    {
        int? signal = exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : null;
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sanitizer = lines.FirstOrDefault(l =>
            l.Contains("AddressSanitizer", StringComparison.Ordinal) ||
            l.Contains("ThreadSanitizer", StringComparison.Ordinal) ||
            l.Contains("UndefinedBehaviorSanitizer", StringComparison.Ordinal) ||
            l.Contains("LeakSanitizer", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            // "SEGV" also catches the sanitizers' "SEGV on unknown address".
            foreach (var (token, name) in SignalTokens)
            {
                if (signal is null && line.Contains(token, StringComparison.Ordinal))
                    signal = SignalNames.Number(name);
            }
        }

        if (signal is null && lines.Any(l => l.Contains("Segmentation fault", StringComparison.Ordinal)))
            signal = SignalNames.Number("SIGSEGV");
        if (signal is null && lines.Any(l => l.Contains("Aborted", StringComparison.Ordinal)))
            signal = SignalNames.Number("SIGABRT");

        var reason = sanitizer
            ?? lines.FirstOrDefault(l => l.StartsWith("Fatal error", StringComparison.Ordinal) || l.StartsWith("Unhandled exception", StringComparison.Ordinal))
            ?? (signal is { } s ? $"killed by {SignalNames.Name(s)}" : $"exited with code {exitCode} without a result");
        return (signal, reason);
    }

    /// <summary>The last JSON object line of the worker's stdout, parsed; null when there is none.</summary>
    public static RunResult? ParseResult(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonSerializer.Deserialize(line, RunResultJsonContext.Default.RunResult);
    }

    /// <summary>
    /// testbed-worker.dll: the option's, else next to the running program (the CLI,
    /// or a test assembly; both reference the worker project).
    /// </summary>
    public static string LocateAssembly(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.WorkerAssembly ?? Path.Combine(AppContext.BaseDirectory, WorkerArguments.AssemblyFileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"worker assembly not found: {path} (build harness/Testbed.Worker)", path);
    }

    /// <summary>
    /// How to start the worker <paramref name="assembly"/>: through its apphost (testbed-worker
    /// beside it) when this program is self-contained, whose runtime lies beside it and where
    /// no dotnet host need exist (the container image, scripts/cluster/image); else
    /// <c>dotnet exec testbed-worker.dll</c>.
    /// </summary>
    public static (string File, string[] Prefix) WorkerCommand(string assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var apphost = Path.ChangeExtension(assembly, null);
        return IsSelfContained() && File.Exists(apphost) ? (apphost, []) : (DotnetHost(), ["exec", assembly]);
    }

    /// <summary>Whether the runtime was loaded from the program's own folder (a self-contained publish).</summary>
    public static bool IsSelfContained() =>
        Path.GetDirectoryName(typeof(object).Assembly.Location) is { Length: > 0 } runtime &&
        string.Equals(Path.TrimEndingDirectorySeparator(runtime),
            Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), StringComparison.Ordinal);

    /// <summary>The dotnet host: this process's when it is one, else DOTNET_HOST_PATH, else "dotnet" from PATH.</summary>
    public static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    /// <summary>
    /// The options' variables, and no diagnostics IPC (DOTNET_EnableDiagnostics=0): a
    /// worker that is killed could not remove its /tmp/dotnet-diagnostic-* files.
    /// </summary>
    private static Dictionary<string, string?> WorkerEnvironment(WorkerOptions options)
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_EnableDiagnostics"] = "0" };
        foreach (var (name, value) in options.Environment)
            environment[name] = value;
        return environment;
    }

    /// <summary>Writes nothing and returns only when the worker has exited (CliWrap then cancels it).</summary>
    private static Task HoldOpenAsync(Stream stdin, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken);

    private static RunResult CrashRow(WorkerOptions options, int exitCode, int? signal, string reason, string ring, string stderr)
    {
        var w = options.Workload;
        var tail = stderr.Length > StderrTailChars ? stderr[^StderrTailChars..] : stderr;
        return new RunResult
        {
            Backend = options.Backend,
            Config = options.Config,
            Mix = w.Mix.Name(),
            Seed = w.Seed,
            Threads = w.Threads,
            OpsPerThread = w.OpsPerThread,
            Crash = new CrashReport(exitCode, signal, reason, OperationRing.ReadLast(ring), tail),
            ReplayCommand = ConcurrentRunner.ReplayCommand(options.Backend, options.Config, w, options.Duration),
        };
    }
}
