// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Serialization;

namespace Testbed.Harness.Kernel;

/// <summary>
/// What the comparison of one sequence found: the unit of a sharded `testbed kernel` sweep and
/// the part <see cref="KernelComparisonReport"/> sums. Everything but <see cref="ModelTime"/> is
/// a function of the sequence and the kernel: a race step's touch count is its threads times its
/// iterations, and on a correct kernel no touch ends unexpectedly, whatever the interleaving (how
/// the touches split between success and SEGV is timing and is not kept).
/// </summary>
public sealed record KernelSequenceOutcome
{
    /// <summary>The sequence's index in the batch (the unit's index in a sweep file, not repeated in its result).</summary>
    [JsonIgnore]
    public int Index { get; init; }

    /// <summary>Steps compared (the setup step included).</summary>
    public long Operations { get; init; }

    /// <summary>Steps that agree exactly.</summary>
    public long Matches { get; init; }

    /// <summary>Steps that agree through a named rule, by rule name (every counted rule, zeros included).</summary>
    public IReadOnlyDictionary<string, long> KnownDifferences { get; init; } = new Dictionary<string, long>();

    /// <summary>Steps that disagree (0 or 1: the comparison stops at the first).</summary>
    public long Differences { get; init; }

    /// <summary>Steps not compared because an earlier step differed.</summary>
    public long Skipped { get; init; }

    /// <summary>mbind steps among the compared ones.</summary>
    public long Mbinds { get; init; }

    /// <summary>Matched touches below a MAP_GROWSDOWN VMA (in a hole right under it) that expanded it.</summary>
    public long StackGrowths { get; init; }

    /// <summary>Matched touches below a MAP_GROWSDOWN VMA that the kernel and the model refused (guard gap, RLIMIT_STACK, mmap_min_addr).</summary>
    public long StackRefusals { get; init; }

    /// <summary>Fork steps compared (each: the child's layout and every page of its range).</summary>
    public long Forks { get; init; }

    /// <summary>Pages of the fork steps compared (four access results and the bytes read, each).</summary>
    public long ForkPages { get; init; }

    /// <summary>With a later kernel's rules: the case of the first step where 4.16's rules would have made another layout.</summary>
    public string? RuleCase { get; init; }

    /// <summary>Touches made by the sequence's race steps.</summary>
    public ulong RaceTouches { get; init; }

    /// <summary>Race touches that ended in SIGBUS or an unexpected fault (0 on a correct kernel).</summary>
    public ulong RaceUnexpected { get; init; }

    /// <summary>The first difference, if there was one.</summary>
    public KernelMismatch? Mismatch { get; init; }

    /// <summary>Problems with this sequence's run (missing output, unclean races).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Time the model took for the sequence (a measurement: not part of the result).</summary>
    [JsonIgnore]
    public TimeSpan ModelTime { get; init; }
}
