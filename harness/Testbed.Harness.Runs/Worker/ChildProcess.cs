// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Text;
using CliWrap;
using Testbed.Harness.Concurrent;

namespace Testbed.Harness.Worker;

/// <summary>
/// The one way this testbed starts a child process (the concurrent worker, the CLI running one
/// mutant detector in a process of its own, a test spec isolated from the test host, make, the
/// C drivers, the guest and the QEMU and kernel-build scripts): CliWrap, with the worker's crash
/// and hang handling. Its stdin stays open while the parent lives (a child that watches it, such
/// as the worker with --watch-stdin, ends with its parent); a child past its timeout is killed,
/// with the processes it started (CliWrap kills the tree), and reported as killed by SIGKILL; a
/// child that died is told apart from one that failed by <see cref="Diagnose"/>.
/// No diagnostics IPC (DOTNET_EnableDiagnostics=0): a killed .NET child could not remove its
/// /tmp/dotnet-diagnostic-* files.
/// </summary>
public static class ChildProcess
{
    /// <summary>The exit code a child killed for its timeout is reported with (128 + SIGKILL).</summary>
    public const int KilledExitCode = 128 + 9;

    private static readonly (string Token, string Name)[] SignalTokens =
    [
        ("SEGV", "SIGSEGV"), ("SIGABRT", "SIGABRT"), ("SIGBUS", "SIGBUS"), ("SIGILL", "SIGILL"),
        ("SIGFPE", "SIGFPE"), ("SIGKILL", "SIGKILL"), ("SIGTRAP", "SIGTRAP"),
    ];

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> to its end, or until
    /// <paramref name="timeout"/> (then it is killed: <see cref="ChildResult.TimedOut"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for a child that bounds itself, as QEMU's boot
    /// script does). <paramref name="io"/> gives it input, a working directory and variables to
    /// unset, and watches its lines as they come; <paramref name="started"/> gets the child's
    /// process id as soon as it runs. Cancelling <paramref name="cancellationToken"/> kills the
    /// child and throws.
    /// </summary>
    public static async Task<ChildResult> RunAsync(
        string file,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<int>? started = null,
        ChildIo? io = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(file)
            .WithArguments(arguments)
            .WithEnvironmentVariables(Environment(environment, io?.Unset))
            .WithWorkingDirectory(io?.WorkingDirectory ?? System.Environment.CurrentDirectory)
            .WithStandardInputPipe(io?.Stdin is { } input ? PipeSource.FromString(input, Encoding.UTF8) : PipeSource.Create(HoldOpenAsync))
            .WithStandardOutputPipe(Target(stdout, io?.StdoutLine))
            .WithStandardErrorPipe(Target(stderr, io?.StderrLine))
            .WithValidation(CommandResultValidation.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        try
        {
            var run = command.ExecuteAsync(deadline.Token);
            started?.Invoke(run.ProcessId);
            var result = await run;
            return new ChildResult(result.ExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed, TimedOut: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ChildResult(KilledExitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed, TimedOut: true);
        }
    }

    /// <summary><see cref="RunAsync"/> for a caller with nothing else to do meanwhile.</summary>
    public static ChildResult Run(string file, IEnumerable<string> arguments, TimeSpan timeout) =>
        RunAsync(file, arguments, timeout).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="file"/> as <see cref="RunAsync"/> does and requires exit 0; otherwise
    /// throws with <paramref name="what"/>, the exit code and the child's output.
    /// </summary>
    public static async Task<ChildResult> RunCheckedAsync(string what, string file, IEnumerable<string> arguments, TimeSpan timeout,
        ChildIo? io = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(file, arguments, timeout, io: io, cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"{what} failed ({(result.TimedOut ? "killed after " + timeout : "exit " + result.ExitCode)}): {result.Stdout}{result.Stderr}");
    }

    /// <summary>
    /// How to start the .NET program <paramref name="assembly"/>: through its apphost (beside it)
    /// when this program is self-contained, whose runtime lies beside it and where no dotnet host
    /// need exist (the container image, scripts/cluster/image); else <c>dotnet exec ASSEMBLY</c>.
    /// </summary>
    public static (string File, string[] Prefix) DotnetCommand(string assembly)
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
        var self = System.Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        return System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    /// <summary>
    /// What killed a child: the signal from an exit code of 128+N or from the runtime's or a
    /// sanitizer's message, and a one-line reason.
    /// </summary>
    public static (int? Signal, string Reason) Diagnose(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
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

    private static PipeTarget Target(StringBuilder text, Action<string>? lines) =>
        lines is null
            ? PipeTarget.ToStringBuilder(text, Encoding.UTF8)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(text, Encoding.UTF8), PipeTarget.ToDelegate(lines, Encoding.UTF8));

    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string>? extra, IEnumerable<string>? unset)
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_EnableDiagnostics"] = "0" };
        foreach (var name in unset ?? [])
            environment[name] = null;
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            environment[name] = value;
        return environment;
    }

    /// <summary>Writes nothing and returns only when the child has exited (CliWrap then cancels it).</summary>
    private static Task HoldOpenAsync(Stream stdin, CancellationToken cancellationToken) =>
        Task.Delay(Timeout.Infinite, cancellationToken);
}
