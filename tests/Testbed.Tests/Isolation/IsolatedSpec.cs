// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Testbed.Harness.Worker;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Isolation;

/// <summary>
/// Runs a spec body that drives native code on many threads in a child process (the
/// test assembly itself, through <see cref="SpecHost"/>), so a native crash fails that
/// one test, with the signal and the child's output, instead of killing the test host
/// and every test after it. TESTBED_SPECS_IN_HOST=1 runs the bodies in the host instead
/// (for a debugger; a crash then takes the host down, and scripts/build-and-test.sh
/// counts the tests that never ran as failed by name).
/// </summary>
public static class IsolatedSpec
{
    /// <summary>Set to 1 to run isolated bodies in the test host.</summary>
    public const string InHostVariable = "TESTBED_SPECS_IN_HOST";

    /// <summary>
    /// TEST ONLY: set to a config name (e.g. mmu-spf) to make the interop concurrency spec on
    /// that config crash in native code (through the test-only crash hook) half-way through its race.
    /// </summary>
    public const string CrashVariable = "TESTBED_TEST_CRASH";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Whether the opt-in crash is asked for <paramref name="config"/>.</summary>
    public static bool CrashRequested(string config) => Environment.GetEnvironmentVariable(CrashVariable) == config;

    /// <summary>
    /// Runs the static method <paramref name="method"/> of <paramref name="type"/> (or of a base
    /// class) with <paramref name="args"/> in a child process; fails with its output if it threw or died.
    /// </summary>
    public static async Task RunAsync(ITestOutputHelper output, Type type, string method, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(type);
        if (Environment.GetEnvironmentVariable(InHostVariable) == "1")
        {
            RunInHost(type, method, args);
            return;
        }

        var assembly = typeof(SpecHost).Assembly.Location;
        var result = await CliWrap.Cli.Wrap(WorkerLauncher.DotnetHost())
            .WithArguments(["exec", assembly, SpecHost.Verb, type.FullName!, method, .. args.Select(SpecHost.Format)])
            .WithEnvironmentVariables(e => e.Set("DOTNET_EnableDiagnostics", "0"))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, new CancellationTokenSource(Timeout).Token);

        if (result.StandardOutput.Length > 0)
            output.WriteLine(result.StandardOutput.TrimEnd());
        if (result.ExitCode == 0)
            return;
        var tail = result.StandardError.Length > 6000 ? result.StandardError[^6000..] : result.StandardError;
        if (result.ExitCode == 1)
            Assert.Fail($"{type.Name}.{method} failed in its process:\n{tail}");
        var (signal, reason) = WorkerLauncher.Diagnose(result.ExitCode, result.StandardError);
        Assert.Fail($"{type.Name}.{method} crashed its process (exit {result.ExitCode}" +
            (signal is { } s ? $", {Testbed.Harness.Concurrent.SignalNames.Name(s)}" : "") + $"): {reason}\n{tail}");
    }

    private static void RunInHost(Type type, string method, object[] args)
    {
        var body = type.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy)
            ?? throw new MissingMethodException(type.FullName, method);
        try
        {
            body.Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
