// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Scheduling;

/// <summary>Random walk: every decision picks uniformly among the runnable threads.</summary>
public sealed class RandomWalkStrategy(SplitMix64 random) : ISchedulingStrategy
{
    /// <inheritdoc />
    public int Choose(int step, int previous, IReadOnlyList<int> enabled) => enabled[random.Below(enabled.Count)];
}
