// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// Exhaustive search with a preemption bound (Musuvathi and Qadeer's iterative context
/// bounding, depth first): every schedule with at most <c>bound</c> preemptions, each once.
/// A schedule is a prefix of choices followed by the default (non-preemptive) policy; after
/// each run the next prefix is the deepest decision with an untried alternative in the
/// order default-first-then-ascending whose preemptions stay within the bound.
/// </summary>
public sealed class BoundedSearch(int bound)
{
    private IReadOnlyList<Decision>? last;
    private bool started;

    /// <summary>The strategy for the next schedule, or null when the space is exhausted.</summary>
    public ISchedulingStrategy? Next()
    {
        if (!started)
        {
            started = true;
            return new PrefixStrategy([]);
        }
        if (last is null)
            return null;
        var preemptionsBefore = new int[last.Count + 1];
        for (var i = 0; i < last.Count; i++)
            preemptionsBefore[i + 1] = preemptionsBefore[i] + (last[i].IsPreemption ? 1 : 0);
        for (var i = last.Count - 1; i >= 0; i--)
        {
            var d = last[i];
            var order = Order(d);
            for (var p = order.IndexOf(d.Chosen) + 1; p < order.Count; p++)
            {
                var alternative = order[p];
                var preempts = d.Previous >= 0 && alternative != d.Previous && d.Enabled.Contains(d.Previous);
                if (preemptionsBefore[i] + (preempts ? 1 : 0) > bound)
                    continue;
                var prefix = last.Take(i).Select(x => x.Chosen).Append(alternative).ToArray();
                last = null;
                return new PrefixStrategy(prefix);
            }
        }
        last = null;
        return null;
    }

    /// <summary>Feeds back the run made with the strategy <see cref="Next"/> returned.</summary>
    public void Record(ControlledRun run) => last = run.Decisions;

    private static List<int> Order(Decision d)
    {
        var first = DefaultPolicy.Choose(d.Previous, d.Enabled);
        return [first, .. d.Enabled.Where(t => t != first)];
    }

    private sealed class PrefixStrategy(int[] prefix) : ISchedulingStrategy
    {
        public int Choose(int step, int previous, IReadOnlyList<int> enabled) =>
            step < prefix.Length && enabled.Contains(prefix[step]) ? prefix[step] : DefaultPolicy.Choose(previous, enabled);
    }
}
