// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// What /proc/vmstat's per-VMA lock statistics (CONFIG_PER_VMA_LOCK_STATS, 6.4+) grew by during
/// the race steps, summed: faults handled under the VMA lock (success; 6.12 counts an access
/// error found there too), those that found no VMA or could not lock it and went to mmap_lock
/// (abort), those that had to be retried under mmap_lock (retry), and VMAs found detached after
/// they were locked, before the walk is repeated (miss). Compared with the mmu-pvl model's by
/// <see cref="LockStatComparison"/> (<c>testbed kernel --lock-stats</c>).
/// </summary>
public sealed record VmaLockCounts(ulong Success, ulong Abort, ulong Retry, ulong Miss, int RaceSteps)
{
    /// <summary>The sum of two counts.</summary>
    public VmaLockCounts Add(VmaLockCounts other) =>
        new(Success + other.Success, Abort + other.Abort, Retry + other.Retry, Miss + other.Miss, RaceSteps + other.RaceSteps);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Success} success, {Abort} abort, {Retry} retry, {Miss} miss over {RaceSteps} race steps";
}
