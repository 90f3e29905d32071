// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// What the sequence generator produces: how many sequences of how many operations, in which
/// window, with which files, and whether the threaded race step and the mprotect(len 0) probe
/// are used. Immutable; change it with the <c>With...</c> methods.
/// </summary>
public sealed record SequenceOptions
{
    /// <summary>The generator seed; sequence i uses a seed derived from it and i.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Number of sequences.</summary>
    public int Sequences { get; init; } = 200;

    /// <summary>Operations per sequence (not counting the setup step).</summary>
    public int OpsPerSequence { get; init; } = 20;

    /// <summary>Start of the reserved window (the guest reserves it with mmap PROT_NONE).</summary>
    public ulong WindowBase { get; init; } = 0x100000000;

    /// <summary>Size of the window in pages: small, so that operations meet and merge.</summary>
    public int WindowPages { get; init; } = 32;

    /// <summary>Sizes of the files (memfd in the guest, file_open in the model), in pages.</summary>
    public IReadOnlyList<int> FilePages { get; init; } = [16, 8];

    /// <summary>Include race steps (threads touching pages while the range is remapped).</summary>
    public bool Races { get; init; } = true;

    /// <summary>Threads per race step.</summary>
    public int RaceThreads { get; init; } = 2;

    /// <summary>Touches per thread (and remaps of the main thread) per race step.</summary>
    public int RaceIterations { get; init; } = 200;

    /// <summary>Include mprotect(len 0), where the model deliberately differs (see KnownDifference).</summary>
    public bool ZeroLengthProbes { get; init; } = true;

    /// <summary>Returns a copy with another seed.</summary>
    public SequenceOptions WithSeed(ulong seed) => this with { Seed = seed };

    /// <summary>Returns a copy with another number of sequences.</summary>
    public SequenceOptions WithSequences(int sequences) => this with { Sequences = sequences };

    /// <summary>Returns a copy with another number of operations per sequence.</summary>
    public SequenceOptions WithOpsPerSequence(int ops) => this with { OpsPerSequence = ops };

    /// <summary>Returns a copy with another window.</summary>
    public SequenceOptions WithWindow(ulong windowBase, int pages) => this with { WindowBase = windowBase, WindowPages = pages };

    /// <summary>Returns a copy with or without race steps.</summary>
    public SequenceOptions WithRaces(bool races) => this with { Races = races };

    /// <summary>Returns a copy with or without mprotect(len 0) probes.</summary>
    public SequenceOptions WithZeroLengthProbes(bool probes) => this with { ZeroLengthProbes = probes };
}
