// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// A machine's cpuidle states (<see cref="States"/>, shallowest first, as its driver lists
/// them; <see cref="Source"/> names where they come from) and the governor's choice for an
/// idle period. A sleeper on mmap_sem leaves its CPU idle (one thread per CPU) until its
/// waker's wake call; the CPU then leaves its idle state before the woken thread runs. The
/// kernel's menu governor picks the deepest state whose target residency fits the idle
/// period it predicts (from the next timer and the recent idle periods); here the choice is
/// an oracle's: the deepest state whose target residency is at most the period's real length
/// (<see cref="Chosen"/>), known once the waker wakes it. That is optimistic for deep states
/// (menu mispredicts both ways: a long sleep after short ones gets a shallow state, a short
/// one after long ones a deep state), and it prices the state a logical CPU asks for even
/// where its core's other hardware threads are busy and keep the core out of a core state.
/// Below the shallowest state's residency the CPU polls (no exit latency).
/// </summary>
public sealed record IdleStates(IReadOnlyList<IdleState> States, string Source)
{
    /// <summary>The states, shallowest first (target residencies and exit latencies non-decreasing).</summary>
    public IReadOnlyList<IdleState> States { get; } = Validate(States);

    /// <summary>The state the oracle governor picks for an idle period of <paramref name="idleNs"/> (null: polling).</summary>
    public IdleState? Chosen(double idleNs) => States.LastOrDefault(s => s.TargetResidencyNs <= idleNs);

    /// <summary>The exit latency of the state picked for an idle period of <paramref name="idleNs"/>, ns (0: polling).</summary>
    public double ExitNs(double idleNs) => Chosen(idleNs)?.ExitLatencyNs ?? 0;

    private static IReadOnlyList<IdleState> Validate(IReadOnlyList<IdleState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
            throw new ArgumentException("a machine's idle states list at least one state", nameof(states));
        for (var i = 1; i < states.Count; i++)
        {
            if (states[i].TargetResidencyNs < states[i - 1].TargetResidencyNs || states[i].ExitLatencyNs < states[i - 1].ExitLatencyNs)
                throw new ArgumentException($"idle states go shallowest first: {states[i].Name} after {states[i - 1].Name}", nameof(states));
        }
        return states;
    }
}
