// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>Picks the thread that runs next; one instance drives one controlled run.</summary>
public interface ISchedulingStrategy
{
    /// <summary>
    /// The thread to run at decision <paramref name="step"/>, one of <paramref name="enabled"/>
    /// (sorted, never empty); <paramref name="previous"/> ran up to here (-1 if none can go on).
    /// </summary>
    int Choose(int step, int previous, IReadOnlyList<int> enabled);
}
