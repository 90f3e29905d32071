// SPDX-License-Identifier: GPL-2.0-only
using System.Reflection;
using Testbed.Harness.Worker;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Isolation;

/// <summary>
/// Runs a spec body that drives native code on many threads in a child process (the
/// test assembly itself, through <see cref="SpecHost"/>, started by the harness's one launcher,
/// <see cref="ChildProcess"/>), so a native crash fails that
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

        var (host, prefix) = ChildProcess.DotnetCommand(typeof(SpecHost).Assembly.Location);
        var result = await ChildProcess.RunAsync(host, [.. prefix, SpecHost.Verb, type.FullName!, method, .. args.Select(SpecHost.Format)], Timeout);

        if (result.Stdout.Length > 0)
            output.WriteLine(result.Stdout.TrimEnd());
        if (result.ExitCode == 0)
            return;
        var tail = result.StderrTail(6000);
        if (result.TimedOut)
            Assert.Fail($"{type.Name}.{method} hung: killed after {Timeout.TotalMinutes:0} minutes\n{tail}");
        if (result.ExitCode == 1)
            Assert.Fail($"{type.Name}.{method} failed in its process:\n{tail}");
        var (signal, reason) = result.Diagnose();
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
