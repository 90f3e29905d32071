// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>
/// Replays a <see cref="Schedule"/>: its switches where it has one, the default policy
/// elsewhere. A switch to a thread that cannot run at that step is not taken and is
/// counted in <see cref="Skipped"/> (a replay of an exact schedule skips none).
/// </summary>
public sealed class ReplayStrategy(Schedule schedule) : ISchedulingStrategy
{
    private readonly Dictionary<int, int> switches = schedule.Switches.ToDictionary(s => s.Step, s => s.Thread);

    /// <summary>Switches that named a thread not runnable at their step.</summary>
    public int Skipped { get; private set; }

    /// <inheritdoc />
    public int Choose(int step, int previous, IReadOnlyList<int> enabled)
    {
        if (switches.TryGetValue(step, out var thread))
        {
            if (enabled.Contains(thread))
                return thread;
            Skipped++;
        }
        return DefaultPolicy.Choose(previous, enabled);
    }
}
