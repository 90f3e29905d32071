// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Concurrent;

/// <summary>
/// How a worker process died: exit code, the signal (from 128+N or the runtime's
/// message), a sanitizer if one reported, the last operations each thread started,
/// and the tail of its stderr.
/// </summary>
public sealed record CrashReport(
    int ExitCode,
    int? Signal,
    string Reason,
    IReadOnlyList<string> LastOperations,
    string StderrTail)
{
    /// <summary>"SIGSEGV (11)" or "exit code N".</summary>
    public string Describe() => Signal is { } s ? $"{SignalNames.Name(s)} ({s}): {Reason}" : $"exit code {ExitCode}: {Reason}";
}
