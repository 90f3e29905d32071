// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Concurrent;

/// <summary>
/// A test hook: <c>TESTBED_TEST_PHASE=NAME</c> stops the CLI (or the worker) at the
/// named point of a run until it is interrupted, so a spec can deliver a signal in
/// exactly that phase instead of hoping for the timing. Without the variable each
/// point costs one string comparison.
/// </summary>
public static class TestPhase
{
    /// <summary>The variable that names the phase to stop at.</summary>
    public const string Variable = "TESTBED_TEST_PHASE";

    /// <summary>The CLI is about to start a worker process.</summary>
    public const string WorkerStarting = "worker-starting";

    /// <summary>A worker has started and watches its parent, but has not made its ring file.</summary>
    public const string WorkerBeforeRing = "worker-before-ring";

    /// <summary>A worker has exited; the CLI has not yet read its result or removed its ring file.</summary>
    public const string WorkerExited = "worker-exited";

    /// <summary>Every run has finished; the CLI has not yet printed the report.</summary>
    public const string Report = "report";

    /// <summary>Every phase, in the order a run passes them.</summary>
    public static readonly IReadOnlyList<string> All = [WorkerStarting, WorkerBeforeRing, WorkerExited, Report];

    private static readonly string? Chosen = Environment.GetEnvironmentVariable(Variable);

    /// <summary>
    /// At the chosen phase: says so on stderr, then waits until
    /// <paramref name="cancellationToken"/> is cancelled (forever for
    /// <see cref="CancellationToken.None"/>: the process is killed there).
    /// </summary>
    public static void Reach(string phase, CancellationToken cancellationToken)
    {
        if (Chosen != phase)
            return;
        Console.Error.WriteLine($"testbed: at test phase {phase}");
        cancellationToken.WaitHandle.WaitOne();
    }
}
