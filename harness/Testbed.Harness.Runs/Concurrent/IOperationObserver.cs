// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Concurrent;

/// <summary>
/// Told about every operation just before a runner thread starts it (the worker's
/// crash ring). Called concurrently from all threads; must be cheap.
/// </summary>
public interface IOperationObserver
{
    /// <summary>Thread <paramref name="thread"/> is about to run item <paramref name="index"/>.</summary>
    void OnStart(int thread, long index, in Operation op);
}
