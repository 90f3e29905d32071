// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Concurrent;

namespace Testbed.Worker;

/// <summary>
/// TEST ONLY: passes every start on to <paramref name="inner"/>, and when thread 0
/// is about to start operation <paramref name="after"/>, runs <paramref name="crash"/>
/// (the call into the test-only crash hook), so the crash report has operations to show.
/// </summary>
internal sealed class CrashObserver(IOperationObserver? inner, int after, Action crash) : IOperationObserver
{
    /// <inheritdoc/>
    public void OnStart(int thread, long index, in Operation op)
    {
        inner?.OnStart(thread, index, op);
        if (thread == 0 && index == after)
            crash();
    }
}
