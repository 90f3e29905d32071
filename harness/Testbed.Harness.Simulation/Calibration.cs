// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The simulation's measured inputs, taken on this machine and kept in a file so that a
/// simulation is a pure function of (calibration, machine, seed): the local cost of every
/// operation kind per design and workload, and the ping-pong transfer cost between this
/// machine's cores (reported beside the published parameters of bigger machines; the "here"
/// machine uses it), the wake-up of a sleeping lock waiter (<see cref="Wakeup"/>; every machine
/// uses it unless <see cref="WakeupChoice.Published"/> gives one its family's published figure,
/// <see cref="Machine.WithWakeup"/>), and the host
/// kernel's own cost per operation (<see cref="Kernel"/>: the local work the model leaves out).
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

    /// <summary>The host kernel's costs per workload; null in a calibration taken before they were measured.</summary>
    public KernelCosts? Kernel { get; init; }

    /// <summary>The kernel's costs, or an error that says how to measure them.</summary>
    public KernelCosts RequireKernel() =>
        Kernel ?? throw new InvalidOperationException("the calibration has no kernel costs: measure them (testbed simulate --calibrate-kernel)");

    /// <summary>
    /// The local work of <paramref name="config"/> on <paramref name="workload"/> under
    /// <paramref name="work"/>: the model's own costs, or per kind
    /// model(config, kind) + max(0, kernel(kind) − model(mmu, kind)) — the kernel work the model
    /// leaves out (the kernel's time beyond the baseline design's), added alike to every design,
    /// so the designs' own path differences stay the model's.
    /// </summary>
    public LocalCost Local(string config, string workload, LocalWork work)
    {
        var own = For(config, workload);
        if (work == LocalWork.Model)
            return own;
        var mmu = For("mmu", workload);
        var kernel = RequireKernel().For(workload);
        var ns = new Dictionary<string, double>();
        foreach (var (name, model) in own.NsPerOp)
        {
            var kind = Enum.Parse<OpKind>(name);
            ns[name] = model + Math.Max(0, kernel.Of(kind) - mmu.Of(kind));
        }
        return own with { NsPerOp = ns };
    }

    /// <summary>
    /// What each further 4 KiB of a bigger base page adds to its fault in the host kernel, ns: the
    /// zeroing a huge page's fault measures beyond a 4 KiB fault's work (<see cref="PageZeroing"/>),
    /// taken by <see cref="Simulator.ForBasePage"/> for each 4 KiB of a base page after its first.
    /// </summary>
    public double FurtherPageNs() => RequireKernel().Zeroing?.PerFurther4KiBNs
        ?? throw new InvalidOperationException("the calibration has no page zeroing (bench zero): recalibrate (testbed simulate --calibrate-kernel)");

    /// <summary>
    /// The local costs of <paramref name="config"/> on <paramref name="workload"/>. mmu-spf-v9
    /// (<see cref="ConfigDescriptor.SpfReuseVma"/>) in a calibration taken before it existed has
    /// mmu-spf's: the same code but for the fallback's find_vma, which it skips, and the put_vma it
    /// moves; what that changes between CPUs (the tree's line, the VMA's) is the simulation's.
    /// </summary>
    public LocalCost For(string config, string workload) =>
        Costs.FirstOrDefault(c => c.Config == config && c.Workload == workload)
        ?? (ConfigRegistry.Find(config) is { SpfReuseVma: true } ? For("mmu-spf", workload) : null)
        ?? throw new InvalidOperationException($"the calibration has no costs for {config} {workload}: recalibrate (testbed simulate --calibrate)");
}
