// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Worker;

/// <summary>
/// Runs one concurrent run in a child process (<c>dotnet exec testbed-worker.dll ...</c>,
/// or its apphost in a self-contained publish, started by <see cref="ChildProcess"/>)
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
        var (file, prefix) = ChildProcess.DotnetCommand(LocateAssembly(options));
        TestPhase.Reach(TestPhase.WorkerStarting, cancellationToken);
        // No worker starts after a signal; one that starts as it arrives is
        // killed by the token's registration inside CliWrap.
        cancellationToken.ThrowIfCancellationRequested();
        var result = await ChildProcess.RunAsync(file, [.. prefix, .. options.Arguments(ring)], options.Timeout,
            options.Environment, pid => LiveWorkers.Add(ring, pid), cancellationToken: cancellationToken);
        if (result.TimedOut)
            return CrashRow(options, exitCode: -1, signal: 9, $"no result within {options.Timeout.TotalSeconds:0}s: killed", ring, result.Stderr);

        TestPhase.Reach(TestPhase.WorkerExited, cancellationToken);
        if (result.ExitCode == 0 && result.LastJsonLine() is { } line)
            return JsonSerializer.Deserialize(line, RunResultJsonContext.Default.RunResult)!;
        var (signal, reason) = result.Diagnose();
        return CrashRow(options, result.ExitCode, signal, reason, ring, result.Stderr);
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
