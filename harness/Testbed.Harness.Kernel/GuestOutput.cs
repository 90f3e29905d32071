// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>What a race step saw: touches and how each ended, and the remaps that succeeded.</summary>
public sealed record RaceCounts(ulong Touches, ulong Ok, ulong MapErr, ulong AccErr, ulong Sigbus, ulong Unexpected, ulong Remaps)
{
    /// <summary>True when no touch ended in a way the race does not explain (SIGBUS, stray fault).</summary>
    public bool Clean => Sigbus == 0 && Unexpected == 0;
}

/// <summary>
/// One page of a fork step: the parent's read before the fork (<see cref="Read0"/>, the byte or
/// -1), the child's read and write (<see cref="ChildWrite"/> wrote <see cref="ForkPage.ChildMark"/>),
/// and the parent's read after the child exited. Results as a touch's: 0, -EFAULT, -EACCES, -EIO.
/// </summary>
public sealed record ForkPage(ulong Addr, long Read0, int Value0, long ChildRead, int ChildValue, long ChildWrite, long Read1, int Value1)
{
    /// <summary>The byte the guest's fork child writes (the parent's touches write the page number's low byte).</summary>
    public const int ChildMark = 0xa5;
}

/// <summary>What a fork step saw beyond the parent's layout: the child's layout and each page of the range.</summary>
public sealed record ForkReport(IReadOnlyList<KernelVma> ChildLayout, IReadOnlyList<ForkPage> Pages);

/// <summary>
/// One step as the kernel ran it. Op 0 is the sequence's setup (reservation and files).
/// <see cref="Result"/> is the syscall result (an address, 0 or -errno); a touch stopped by a
/// signal reports -EFAULT (SEGV_MAPERR), -EACCES (SEGV_ACCERR) or -EIO (SIGBUS), with
/// <see cref="Signal"/> and <see cref="SigCode"/> as delivered. A fork step has <see cref="Fork"/>.
/// </summary>
public sealed record GuestStep(int OpIndex, long Result, int Signal, int SigCode, IReadOnlyList<KernelVma> Layout, RaceCounts? Race)
{
    /// <summary>The fork step's child layout and pages; null for every other step.</summary>
    public ForkReport? Fork { get; init; }
}

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
