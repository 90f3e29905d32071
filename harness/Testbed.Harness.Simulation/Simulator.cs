// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Bench;
using Testbed.Harness.Scheduling;
using Testbed.Interop;
using Testbed.Managed;
using Testbed.Managed.Kernel;

namespace Testbed.Harness.Simulation;

/// <summary>
/// Runs one simulated point: the workload's windows (<see cref="Windows"/>) on one thread per
/// virtual CPU under <see cref="ControlledScheduler"/> with <see cref="VirtualTime"/> as its
/// strategy. The backend is the managed port (checked flavour: its scheduling points are the
/// design's own, and its lines have names) or the checked native library (whose points also
/// include the testbed's bookkeeping: op_seq, the validate pins, the API call's mm_users pin,
/// lines the kernel does not have; a cross-check, not the prediction).
/// </summary>
public static class Simulator
{
    private static readonly int Kinds = Enum.GetValues<OpKind>().Max(k => (int)k) + 1;

    /// <summary>What a simulated point needs besides the calibration and the machine.</summary>
    public sealed record Point(BenchWorkload Workload, string Config, int Threads, ulong Seed, int Budget, string Backend = AddressSpaceFactory.Managed)
    {
        /// <summary>The mm's thread count when more than <see cref="Threads"/> (a profile: one thread on the N-thread path).</summary>
        public int MmThreads { get; init; }
    }

    /// <summary>The mm's threads of a profile and a calibration: one runs, the mm is multithreaded.</summary>
    public const int ProfileMmThreads = 2;

    /// <summary>
    /// Scheduling points per operation, per kind (index = <see cref="OpKind"/>), of one thread
    /// alone in a multithreaded mm (as calibrated): how the calibrated cost of an operation is
    /// spread over its segments.
    /// </summary>
    public static double[] Profile(Point p)
    {
        var unit = Enumerable.Repeat(1.0, Kinds).ToArray();
        var run = Execute(p with { Threads = 1, MmThreads = ProfileMmThreads }, new Machine("profile", 1, 1, 0, 0, "-"), unit, out var vt);
        if (run.SchedulerFailure is { } why)
            throw new InvalidOperationException($"simulate: the profile run of {p.Config} {p.Workload.Name()} lost control: {why}");
        var perOp = new double[Kinds];
        for (var k = 0; k < Kinds; k++)
            perOp[k] = vt.OpsByKind[k] == 0 ? 0 : vt.PointsByKind[k] / (double)vt.OpsByKind[k];
        return perOp;
    }

    /// <summary>The local work of one segment per kind: the calibrated cost over (points + 1).</summary>
    public static double[] Segments(LocalCost cost, IReadOnlyList<double> pointsPerOp)
    {
        ArgumentNullException.ThrowIfNull(cost);
        var segments = new double[Kinds];
        for (var k = 0; k < Kinds; k++)
        {
            var kind = (OpKind)k;
            if (cost.NsPerOp.ContainsKey(kind.ToString()))
                segments[k] = cost.Of(kind) / (pointsPerOp[k] + 1);
        }
        return segments;
    }

    /// <summary>Runs <paramref name="p"/> on <paramref name="machine"/> with the local work of <paramref name="segments"/>.</summary>
    public static SimResult Run(Point p, Machine machine, IReadOnlyList<double> segments) => Execute(p, machine, segments, out _);

    private static SimResult Execute(Point p, Machine machine, IReadOnlyList<double> segments, out VirtualTime vt)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(machine);
        using var space = Create(p.Backend, p.Config);
        Func<object?, string> name = space is ManagedAddressSpace managed ? managed.LineName : _ => "line";
        var windows = Windows.Prepare(space, p.Workload, p.Seed, p.Threads, p.Budget, p.MmThreads);
        var time = new VirtualTime(machine, p.Threads, segments);
        var failed = new long[p.Threads];
        var bodies = new Action[p.Threads];
        for (var t = 0; t < p.Threads; t++)
        {
            var thread = t;
            bodies[t] = () =>
            {
                var window = windows.Of(thread);
                for (var i = 0; i < window.Length; i++)
                {
                    time.BeginOp(thread, (int)window[i].Kind);
                    if (space.Execute(window[i]) < 0)
                        failed[thread]++;
                    time.EndOp(thread);
                }
            };
        }

        ControlledRun run;
        using (SchedulerHooks.Install(p.Backend, p.Config))
            run = ControlledScheduler.Run(bodies, time, maxSteps: int.MaxValue, record: false, limit: TimeSpan.FromHours(1));
        vt = time;
        var error = run.Errors.FirstOrDefault(e => e is not null);
        if (error is not null)
            throw new InvalidOperationException($"simulate: a thread of {p.Config} {p.Workload.Name()} threw (seed {p.Seed})", error);
        return Summarise(p, machine, time, name, failed.Sum(), run.SchedulerFailure);
    }

    private static IAddressSpace Create(string backend, string config)
    {
        switch (backend)
        {
            case AddressSpaceFactory.Managed:
                if (!ManagedFlavour.Checked)
                    throw new InvalidOperationException("simulate needs the managed port's checked flavour (its scheduling hook): unset " + ManagedFlavour.Variable);
                return new ManagedAddressSpace(config);
            case AddressSpaceFactory.Native:
                return new NativeAddressSpace(config);
            default:
                throw new ArgumentException($"unknown backend '{backend}'", nameof(backend));
        }
    }

    private static SimResult Summarise(Point p, Machine machine, VirtualTime vt, Func<object?, string> name, long failed, string? failure)
    {
        var clocks = vt.Clocks;
        var ops = clocks.Sum(c => (long)c.OpEnds.Count);
        var steady = clocks.Min(c => c.Now);
        var steadyOps = clocks.Sum(c => (long)c.OpEnds.Count(e => e <= steady));
        var byLine = new List<LineTransfers>();
        foreach (var group in vt.LineObjects.GroupBy(l => name(l.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var transfers = group.Sum(l => l.Value.Transfers);
            var blocked = group.Sum(l => l.Value.Blocked);
            byLine.Add(new LineTransfers(group.Key, group.Count(), transfers / (double)Math.Max(1, ops), blocked / (double)Math.Max(1, ops)));
        }
        var byKind = new Dictionary<string, long>();
        for (var k = 0; k < Kinds; k++)
        {
            if (vt.OpsByKind[k] > 0)
                byKind[((OpKind)k).ToString()] = vt.OpsByKind[k];
        }
        return new SimResult(p.Workload.Name(), p.Config, p.Backend, machine.Name, p.Threads, p.Seed, ops, byKind, steadyOps, steady,
            clocks.Max(c => c.Now), clocks.Sum(c => c.Local), clocks.Sum(c => c.Transfer), clocks.Sum(c => c.Wait),
            clocks.Sum(c => c.Transfers), failed, byLine, failure)
        {
            SleepNs = vt.SleepNs,
            Sleeps = vt.Sleeps,
        };
    }
}
