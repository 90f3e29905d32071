// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Simulation;

/// <summary>
/// The simulation's measured inputs, taken on this machine and kept in a file so that a
/// simulation is a pure function of (calibration, machine, seed): the local cost of every
/// operation kind per design and workload, and the ping-pong transfer cost between this
/// machine's cores (reported beside the published parameters of bigger machines; the "here"
/// machine uses it).
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
    /// <summary>The local costs of <paramref name="config"/> on <paramref name="workload"/>.</summary>
    public LocalCost For(string config, string workload) =>
        Costs.FirstOrDefault(c => c.Config == config && c.Workload == workload)
        ?? throw new InvalidOperationException($"the calibration has no costs for {config} {workload}: recalibrate (testbed simulate --calibrate)");
}
