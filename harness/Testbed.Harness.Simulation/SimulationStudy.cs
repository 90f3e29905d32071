// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The simulations of one calibration, seed and budget: each (config, workload)'s profile is
/// taken once (the points per operation of one thread alone), then any point on any machine.
/// The local work is <paramref name="local"/> on every machine, or when it is null the
/// kernel-augmented one (<see cref="LocalWork.Kernel"/>) on the published machines and the
/// model's own on any other (this machine: its 2-CPU validation compares the model with the
/// model's own bench measurement). Each machine's wake-up is, with <paramref name="wakeup"/>
/// <see cref="WakeupChoice.Published"/> (the default), its family's published figure and idle
/// exits where it has them and the one measured here otherwise, or with
/// <see cref="WakeupChoice.Measured"/> the one measured here (<see cref="Machine.WithWakeup"/>).
/// </summary>
public sealed class SimulationStudy(Calibration calibration, ulong seed, int budget, string backend, LocalWork? local = null,
    WakeupChoice wakeup = WakeupChoices.Default)
{
    private readonly Dictionary<(string, BenchWorkload, LocalWork, int), LocalSpread> spreads = [];
    private readonly Dictionary<(string, BenchWorkload), OpProfile> profiles = [];

    /// <summary>Every point simulated so far, in order.</summary>
    public List<SimResult> Results { get; } = [];

    /// <summary>The calibration the study runs on.</summary>
    public Calibration Calibration => calibration;

    /// <summary>Simulates <paramref name="workload"/> on <paramref name="config"/>, <paramref name="threads"/> CPUs of <paramref name="machine"/>.</summary>
    public SimResult Simulate(BenchWorkload workload, string config, int threads, Machine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var work = LocalFor(machine);
        var result = Simulator.Run(PointOf(workload, config, threads) with { BasePages = machine.BasePages }, Wakes(machine),
            SpreadOf(workload, config, work, machine.BasePages)) with { Local = work.Name() };
        Results.Add(result);
        return result;
    }

    /// <summary>
    /// The anchor's design and mmu, simulated on its machine at its thread count, and each of
    /// <paramref name="others"/> (other designs) against the same mmu point.
    /// </summary>
    public AnchorPrediction Predict(Anchor a, IReadOnlyList<string>? others = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        var design = Simulate(a.Workload, a.Config, a.Threads, a.Machine);
        var baseline = Simulate(a.Workload, "mmu", a.Threads, a.Machine);
        var predicted = 100 * (design.OpsPerSecond / baseline.OpsPerSecond - 1);
        var rest = new Dictionary<string, double>();
        foreach (var config in (others ?? []).Where(c => c != a.Config && c != "mmu"))
            rest[config] = 100 * (Simulate(a.Workload, config, a.Threads, a.Machine).OpsPerSecond / baseline.OpsPerSecond - 1);
        return new AnchorPrediction(a.Row, a.Source, a.Machine.Name, a.Workload.Name(), a.Config, a.Threads, a.PublishedText, a.Published,
            predicted, Anchors.SignMatches(a, predicted), Anchors.Within10(a, predicted), Anchors.WithinFactor2(a, predicted), design, baseline, rest);
    }

    /// <summary>The local work a point on <paramref name="machine"/> costs.</summary>
    public LocalWork LocalFor(Machine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return local ?? (Machines.Published.Any(m => m.Name == machine.Name) ? LocalWork.Kernel : LocalWork.Model);
    }

    /// <summary>
    /// Checks the engine's invariants (<see cref="Validation"/>) on this calibration, on
    /// <paramref name="here"/> with the local work <paramref name="work"/> (the run's: one CPU
    /// must spend exactly the time of whichever local work the predictions use).
    /// </summary>
    public Validation Validate(Machine here, LocalWork work = LocalWork.Model)
    {
        ArgumentNullException.ThrowIfNull(here);
        here = Wakes(here);
        // One CPU (in the calibration's multithreaded mm): exactly the calibrated time of the operations it ran.
        const BenchWorkload one = BenchWorkload.Ebizzy;
        var single = Simulator.Run(PointOf(one, "mmu-spf", 1), here, SpreadOf(one, "mmu-spf", work));
        var cost = calibration.Local("mmu-spf", one.Name(), work);
        var calibrated = single.OpsByKind.Sum(kv => kv.Value * cost.Of(Enum.Parse<OpKind>(kv.Key)));

        // No transfer cost, threads that share nothing they wait for: linear.
        const BenchWorkload disjoint = BenchWorkload.Pft;
        const int threads = 4;
        var free = here.WithoutTransfers().WithAtLeast(threads);
        var pftOne = Simulator.Run(PointOf(disjoint, "mmu", 1), free, SpreadOf(disjoint, "mmu", work));
        var pftMany = Simulator.Run(PointOf(disjoint, "mmu", threads), free, SpreadOf(disjoint, "mmu", work));

        // The same seed, the same virtual times.
        var twice = here.WithAtLeast(threads);
        var a = Simulator.Run(PointOf(one, "mmu-spf", threads), twice, SpreadOf(one, "mmu-spf", work));
        var b = Simulator.Run(PointOf(one, "mmu-spf", threads), twice, SpreadOf(one, "mmu-spf", work));
        var same = a.MeanEndNs == b.MeanEndNs && a.MakespanNs == b.MakespanNs && a.LocalNs == b.LocalNs
            && a.TransferNs == b.TransferNs && a.WaitNs == b.WaitNs && a.SleepNs == b.SleepNs && a.Transfers == b.Transfers;

        return new Validation($"{one.Name()} mmu-spf, 1 CPU", calibrated, single.MakespanNs, single.Transfers, single.WaitNs,
            $"{disjoint.Name()} mmu, no transfer cost", threads, pftMany.OpsPerSecond / pftOne.OpsPerSecond, pftMany.TransferNs,
            $"{one.Name()} mmu-spf, {threads} CPUs, run twice", same) { Local = work.Name() };
    }

    /// <summary><paramref name="machine"/> with the wake-up this study's choice gives it.</summary>
    public Machine Wakes(Machine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return machine.WithWakeup(calibration.RequireWakeup(), wakeup);
    }

    // Every simulated mm is multithreaded, as the calibration's is: a one-CPU point is one
    // thread of a multithreaded process, on the path the N-CPU points take.
    private Simulator.Point PointOf(BenchWorkload workload, string config, int threads) =>
        new(workload, config, threads, seed, budget, backend) { MmThreads = Simulator.ProfileMmThreads };

    // The calibration's costs per segment and per page event, from its own shape (4 KiB pages:
    // the profile's), then on a machine of bigger base pages each fault's page taking the base
    // page's work (Simulator.ForBasePage; the model's own costs have no page work to scale).
    private LocalSpread SpreadOf(BenchWorkload workload, string config, LocalWork work, int basePages = 1)
    {
        if (!spreads.TryGetValue((config, workload, work, basePages), out var s))
        {
            if (!profiles.TryGetValue((config, workload), out var profile))
                profiles[(config, workload)] = profile = Simulator.Profile(PointOf(workload, config, 1));
            s = Simulator.Spread(calibration.For(config, workload.Name()), calibration.Local(config, workload.Name(), work), profile);
            if (basePages > 1)
                s = Simulator.ForBasePage(s, basePages, work == LocalWork.Kernel ? calibration.FurtherPageNs() : 0);
            spreads[(config, workload, work, basePages)] = s;
        }
        return s;
    }
}
