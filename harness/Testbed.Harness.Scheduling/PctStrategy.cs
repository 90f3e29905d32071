// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010): the threads get random
/// distinct priorities d..d+n-1; d-1 change points are drawn among the first k steps; at
/// the i-th change point the running thread's priority drops to d-i. The runnable thread
/// of highest priority always runs. A bug of depth d is found by one run with probability
/// at least 1/(n k^(d-1)).
/// </summary>
public sealed class PctStrategy : ISchedulingStrategy
{
    private readonly int[] priority;
    private readonly Dictionary<int, int> changePoints = [];

    /// <summary>A PCT run of <paramref name="threads"/> threads, depth <paramref name="depth"/>, about <paramref name="steps"/> steps.</summary>
    public PctStrategy(int threads, int depth, int steps, SplitMix64 random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        priority = new int[threads];
        var order = Enumerable.Range(0, threads).ToArray();
        for (var i = threads - 1; i > 0; i--)
        {
            var j = random.Below(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        for (var i = 0; i < threads; i++)
            priority[order[i]] = depth + i;
        var span = Math.Max(steps, depth);
        for (var i = 1; i < depth; i++)
        {
            int at;
            do
                at = 1 + random.Below(span);
            while (changePoints.ContainsKey(at));
            changePoints[at] = depth - i;
        }
    }

    /// <inheritdoc />
    public int Choose(int step, int previous, IReadOnlyList<int> enabled)
    {
        if (previous >= 0 && changePoints.TryGetValue(step, out var lowered))
            priority[previous] = lowered;
        var best = enabled[0];
        foreach (var t in enabled)
        {
            if (priority[t] > priority[best])
                best = t;
        }
        return best;
    }
}
