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

    /// <summary>The most threads one workload may have (the CLI's and the worker's --threads bound).</summary>
    public const int MaxThreads = 1024;

    /// <summary>
    /// Live mappings one nommu stream keeps at most: past it an mmap step unmaps
    /// a live one instead, so the mm's VMA list (a list walk in nommu's
    /// find_vma) stays short however long the run, and so do the results a
    /// runner keeps for later items to name.
    /// </summary>
    public const int MaxLiveNommuMappings = 32;

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
    /// The stream of thread <paramref name="thread"/>, generated as it is
    /// enumerated (each enumeration starts again from the seed), so memory does not
    /// grow with <see cref="OpsPerThread"/>. With <paramref name="refs"/> (configs
    /// with get_vma) it also holds get_vma references across other operations;
    /// every reference taken is put again before the stream ends.
    /// </summary>
    public IEnumerable<WorkItem> Stream(int thread, bool refs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(thread);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(thread, Threads);
        return Generate(thread, refs);
    }

    /// <summary>Every thread's stream, each generated as it is enumerated.</summary>
    public IReadOnlyList<IEnumerable<WorkItem>> Streams(bool refs) =>
        Enumerable.Range(0, Threads).Select(t => Stream(t, refs)).ToArray();

    /// <summary>A generator per enumeration, so its PRNG and live mappings belong to that enumeration alone.</summary>
    private IEnumerable<WorkItem> Generate(int thread, bool refs)
    {
        var generator = new WorkloadGenerator(Mix, SplitMix64.Derive(Seed, (ulong)thread), refs);
        foreach (var item in generator.Generate(OpsPerThread))
            yield return item;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Mix.Name()} seed {Seed}, {Threads} thread(s) x {OpsPerThread} ops";
}
