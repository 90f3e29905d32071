// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Concurrent;

/// <summary>
/// Runs one concurrent run where it belongs: native runs in a worker process (a
/// crash becomes a result row), managed runs in this process.
/// </summary>
public sealed record RunDispatcher(AddressSpaceFactory Factory)
{
    /// <summary>When false, native runs also run in this process (faster, no crash isolation).</summary>
    public bool IsolateNative { get; init; } = true;

    /// <summary>Template for worker processes (environment, timeout, assembly path).</summary>
    public Func<WorkerOptions, WorkerOptions> ConfigureWorker { get; init; } = o => o;

    /// <summary>Runs <paramref name="workload"/> on a fresh address space of <paramref name="backend"/>/<paramref name="config"/>.</summary>
    public async Task<RunResult> RunAsync(string backend, string config, Workload workload, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        if (backend == AddressSpaceFactory.Native && IsolateNative)
        {
            var options = ConfigureWorker(new WorkerOptions(backend, config, workload).WithDuration(duration));
            return await WorkerLauncher.RunAsync(options, cancellationToken);
        }

        return await Task.Run(() =>
        {
            using var space = Factory.Create(backend, config);
            return ConcurrentRunner.Run(space, workload, duration, cancellationToken: cancellationToken);
        }, cancellationToken);
    }
}
