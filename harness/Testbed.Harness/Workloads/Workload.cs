// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Workloads;

/// <summary>
/// A seeded, reproducible workload: <see cref="Threads"/> streams of
/// <see cref="OpsPerThread"/> operations drawn from <see cref="Mix"/>. The same
/// (mix, seed, threads, ops) always yields the same streams.
/// </summary>
public sealed record Workload(WorkloadMix Mix, ulong Seed, int Threads, int OpsPerThread)
{
    /// <summary>Files every workload opens before the threads start (fds 0..n-1 of a fresh mm).</summary>
    public const int SetupFiles = 4;

    /// <summary>Size of each setup file: 16 pages.</summary>
    public const ulong SetupFileSize = 16 * AddressWindow.PageSize;

    /// <summary>
    /// The operations run once, on one thread, before the streams: opens the
    /// files that file mappings in the streams use.
    /// </summary>
    public IReadOnlyList<Operation> Setup()
    {
        var flags = Mix == WorkloadMix.NommuSharedFile ? FileFlags.MapDirect | FileFlags.MapCopy : FileFlags.None;
        return Enumerable.Range(0, SetupFiles).Select(_ => Operation.FileOpen(SetupFileSize, flags)).ToArray();
    }

    /// <summary>
    /// The stream of thread <paramref name="thread"/>. With <paramref name="refs"/>
    /// (SPF configs) it also holds get_vma references across other operations;
    /// every reference taken is put again before the stream ends.
    /// </summary>
    public IReadOnlyList<WorkItem> Stream(int thread, bool refs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(thread);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(thread, Threads);
        var generator = new WorkloadGenerator(Mix, SplitMix64.Derive(Seed, (ulong)thread), refs);
        return generator.Generate(OpsPerThread);
    }

    /// <summary>Every thread's stream.</summary>
    public IReadOnlyList<IReadOnlyList<WorkItem>> Streams(bool refs) =>
        Enumerable.Range(0, Threads).Select(t => Stream(t, refs)).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{Mix.Name()} seed {Seed}, {Threads} thread(s) x {OpsPerThread} ops";
}
