// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Benchmarks;

/// <summary>
/// Setup and cleanup assertions. A benchmark whose state is wrong must throw (BenchmarkDotNet
/// then reports it as failed) rather than time an error path.
/// </summary>
public static class Check
{
    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void True(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"benchmark state check failed: {what}");
    }

    /// <summary>Throws when <paramref name="actual"/> differs from <paramref name="expected"/>.</summary>
    public static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
            throw new InvalidOperationException($"benchmark state check failed: {what}: expected {expected}, got {actual}");
    }
}
