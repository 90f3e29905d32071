// SPDX-License-Identifier: GPL-2.0-only
using System.Collections.Concurrent;

namespace Testbed.Benchmarks;

/// <summary>
/// Setup and cleanup assertions. A benchmark whose state is wrong must throw (BenchmarkDotNet
/// then reports it as failed) rather than time an error path.
/// </summary>
public static class Check
{
    private static readonly ConcurrentQueue<string> FailureLog = new();

    /// <summary>
    /// Every failed check of this process. The in-process (quick) toolchain only logs an
    /// exception thrown from [GlobalCleanup]; Program turns a non-empty list into exit code 1.
    /// </summary>
    public static IReadOnlyCollection<string> Failures => FailureLog;

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void True(bool condition, string what)
    {
        if (!condition)
            Fail(what);
    }

    /// <summary>Throws when <paramref name="actual"/> differs from <paramref name="expected"/>.</summary>
    public static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
            Fail($"{what}: expected {expected}, got {actual}");
    }

    private static void Fail(string what)
    {
        var message = $"benchmark state check failed: {what}";
        FailureLog.Enqueue(message);
        throw new InvalidOperationException(message);
    }
}
