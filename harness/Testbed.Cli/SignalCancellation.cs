// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;
using Testbed.Harness.Worker;

namespace Testbed.Cli;

/// <summary>
/// SIGINT and SIGTERM turned into a cancelled token: the running command stops
/// starting work, kills its workers (their ring files go with them) and returns;
/// the CLI then exits 128 + the signal's number. System.CommandLine registers no
/// signal handler unless asked, so before this the runtime's default ended the
/// process at once, with its workers left to notice their parent's death.
/// A command that does not end within <see cref="Grace"/> of the first signal,
/// or a second signal, ends the process anyway: the live workers are killed and
/// their ring files removed first, so nothing is left behind either way.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    /// <summary>How long a command may take to wind down after the first signal.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signal;

    /// <summary>Registers the handlers; disposing unregisters them.</summary>
    public SignalCancellation()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The number of the first signal received (2 or 15), or null.</summary>
    public int? Received => Volatile.Read(ref _signal) is var s and > 0 ? s : null;

    /// <summary>The exit code for <paramref name="signal"/>: 128 + its number, as a shell reports a process it ended.</summary>
    public static int ExitCode(int signal) => 128 + signal;

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The runtime runs this on a thread of its own, never the signal
        // handler itself, so cancelling (which runs the commands' callbacks:
        // killing a worker) and waiting here are allowed.
        context.Cancel = true;
        var number = context.Signal == PosixSignal.SIGINT ? 2 : 15;
        if (Interlocked.CompareExchange(ref _signal, number, 0) != 0)
        {
            Exit(Volatile.Read(ref _signal));
            return;
        }

        _cancellation.Cancel();
        // A command that winds down ends the process before this wakes up.
        Thread.Sleep(Grace);
        Console.Error.WriteLine($"testbed: still running {Grace.TotalSeconds:0} s after the signal; ending it");
        Exit(number);
    }

    private static void Exit(int signal)
    {
        LiveWorkers.KillAll();
        Environment.Exit(ExitCode(signal));
    }
}
