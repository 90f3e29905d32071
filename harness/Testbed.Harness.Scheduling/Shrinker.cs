// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// Shrinks a failing schedule: drops switches one at a time (fewer preemptions), then moves
/// each remaining switch as early as it still fails (fewer steps), keeping a candidate only
/// when its replay still fails and its exact schedule is no larger by (preemptions, switches,
/// length). So the result is never longer than the input. At most <c>maxRuns</c> replays.
/// </summary>
public sealed class Shrinker(Explorer explorer, PctScenario scenario, int maxRuns)
{
    private int runs;

    /// <summary>The smallest failing run found from <paramref name="failing"/> (itself if nothing smaller fails).</summary>
    public RunOutcome Shrink(RunOutcome failing)
    {
        var best = failing;
        bool progress;
        do
        {
            progress = false;
            var switches = best.Run.Schedule.Switches;
            for (var j = switches.Count - 1; j >= 0 && runs < maxRuns; j--)
            {
                if (Try(best, [.. switches.Where((_, k) => k != j)]) is { } smaller)
                {
                    best = smaller;
                    progress = true;
                    break;
                }
            }
        }
        while (progress && runs < maxRuns);

        for (var j = 0; j < best.Run.Schedule.Switches.Count && runs < maxRuns; j++)
        {
            var switches = best.Run.Schedule.Switches;
            var low = j == 0 ? 0 : switches[j - 1].Step + 1;
            var high = switches[j].Step;
            // Binary search for the earliest step this switch still fails at.
            while (low < high && runs < maxRuns)
            {
                var mid = (low + high) / 2;
                var moved = switches.Select((s, k) => k == j ? s with { Step = mid } : s).ToList();
                if (Try(best, moved) is { } earlier)
                {
                    best = earlier;
                    if (best.Run.Schedule.Switches.Count <= j)
                        break;
                    switches = best.Run.Schedule.Switches;
                    high = switches[j].Step;
                }
                else
                {
                    low = mid + 1;
                }
            }
        }
        return best;
    }

    private RunOutcome? Try(RunOutcome best, List<ScheduleSwitch> switches)
    {
        runs++;
        var candidate = new Schedule(best.Run.Threads, switches);
        var outcome = explorer.RunOnce(scenario, new ReplayStrategy(candidate));
        return outcome.Failed && Size(outcome).CompareTo(Size(best)) <= 0 && !Same(outcome, best) ? outcome : null;
    }

    private static (int, int, int) Size(RunOutcome o) =>
        (o.Run.Preemptions, o.Run.Schedule.Switches.Count, o.Run.Schedule.Length);

    private static bool Same(RunOutcome a, RunOutcome b) => a.Run.Schedule.ToString() == b.Run.Schedule.ToString();
}
