// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>What a race step saw: touches and how each ended, and the remaps that succeeded.</summary>
public sealed record RaceCounts(ulong Touches, ulong Ok, ulong MapErr, ulong AccErr, ulong Sigbus, ulong Unexpected, ulong Remaps)
{
    /// <summary>True when no touch ended in a way the race does not explain (SIGBUS, stray fault).</summary>
    public bool Clean => Sigbus == 0 && Unexpected == 0;
}

/// <summary>
/// One step as the kernel ran it. Op 0 is the sequence's setup (reservation and files).
/// <see cref="Result"/> is the syscall result (an address, 0 or -errno); a touch stopped by a
/// signal reports -EFAULT (SEGV_MAPERR), -EACCES (SEGV_ACCERR) or -EIO (SIGBUS), with
/// <see cref="Signal"/> and <see cref="SigCode"/> as delivered.
/// </summary>
public sealed record GuestStep(int OpIndex, long Result, int Signal, int SigCode, IReadOnlyList<KernelVma> Layout, RaceCounts? Race);

/// <summary>The steps of one sequence; <see cref="Complete"/> is false when the output ended inside it.</summary>
public sealed record GuestSequenceResult(int Index, IReadOnlyList<GuestStep> Steps, bool Complete);

/// <summary>Everything the guest program printed, parsed.</summary>
public sealed record GuestReport(
    ulong WindowBase,
    int WindowPages,
    IReadOnlyList<GuestSequenceResult> Sequences,
    int FinishedSequences,
    long FinishedOps,
    TimeSpan GuestTime,
    bool Finished,
    IReadOnlyList<string> Errors)
{
    /// <summary>The per-VMA lock statistics over the race steps; null when the kernel does not count them.</summary>
    public VmaLockCounts? VmaLock { get; init; }

    /// <summary>Sequences per second inside the guest (0 when it did not finish).</summary>
    public double SequencesPerSecond => Finished && GuestTime > TimeSpan.Zero ? FinishedSequences / GuestTime.TotalSeconds : 0;
}
