// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The simulation's measured inputs, taken on this machine and kept in a file so that a
/// simulation is a pure function of (calibration, machine, seed): the local cost of every
/// operation kind per design and workload, and the ping-pong transfer cost between this
/// machine's cores (reported beside the published parameters of bigger machines; the "here"
/// machine uses it), and the wake-up of a sleeping lock waiter (<see cref="Wakeup"/>; every
/// machine uses it: no published value for the anchors' machines was found).
/// </summary>
public sealed record Calibration(
    DateTimeOffset Taken,
    string Host,
    int Cpus,
    int OpsPerWorkload,
    int Rounds,
    double PingPongNs,
    IReadOnlyList<double> PingPongRoundsNs,
    IReadOnlyList<LocalCost> Costs)
{
    /// <summary>The wake-up measured here; null in a calibration taken before it was measured.</summary>
    public Wakeup? Wakeup { get; init; }

    /// <summary>The wake-up, or an error that says how to measure it.</summary>
    public Wakeup RequireWakeup() =>
        Wakeup ?? throw new InvalidOperationException("the calibration has no wake-up latency: measure it (testbed simulate --calibrate-wakeup)");

    /// <summary>The local costs of <paramref name="config"/> on <paramref name="workload"/>.</summary>
    public LocalCost For(string config, string workload) =>
        Costs.FirstOrDefault(c => c.Config == config && c.Workload == workload)
        ?? throw new InvalidOperationException($"the calibration has no costs for {config} {workload}: recalibrate (testbed simulate --calibrate)");
}
