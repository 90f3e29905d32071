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
/// virtual CPU, each on the machine's CPU its benchmark's placement gives it
/// (<see cref="ThreadPlacement"/>: pinned in the benchmark's order, or dealt by the seed), under <see cref="ControlledScheduler"/> with <see cref="VirtualTime"/> as its
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

        /// <summary>
        /// The machine's base page in the model's 4 KiB pages (<see cref="Machine.BasePages"/>):
        /// the workload faults once per base page (<see cref="BenchPlan.CheckBasePages"/>).
        /// </summary>
        public int BasePages { get; init; } = 1;
    }

    /// <summary>The mm's threads of a profile and a calibration: one runs, the mm is multithreaded.</summary>
    public const int ProfileMmThreads = 2;

    /// <summary>
    /// Scheduling points and page events per operation, per kind (index = <see cref="OpKind"/>),
    /// of one thread alone in a multithreaded mm (as calibrated): how the calibrated cost of an
    /// operation is spread over its segments and its pages (<see cref="Spread"/>).
    /// </summary>
    public static OpProfile Profile(Point p)
    {
        var unit = Enumerable.Repeat(1.0, Kinds).ToArray();
        var run = Execute(p with { Threads = 1, MmThreads = ProfileMmThreads }, new Machine("profile", 1, 1, 0, 0, "-"), new LocalSpread(unit, new double[Kinds], new double[Kinds]), out var vt);
        if (run.SchedulerFailure is { } why)
            throw new InvalidOperationException($"simulate: the profile run of {p.Config} {p.Workload.Name()} lost control: {why}");
        var points = new double[Kinds];
        var pages = new double[Kinds];
        var afterPage = new double[Kinds];
        for (var k = 0; k < Kinds; k++)
        {
            if (vt.OpsByKind[k] == 0)
                continue;
            points[k] = vt.PointsByKind[k] / (double)vt.OpsByKind[k];
            pages[k] = vt.PagesByKind[k] / (double)vt.OpsByKind[k];
            afterPage[k] = vt.PointsAfterPageByKind[k] / (double)vt.OpsByKind[k];
        }
        return new OpProfile(points, pages, afterPage);
    }

    /// <summary>
    /// Where each kind's local work <paramref name="local"/> goes, of which
    /// <paramref name="model"/> is the model's own: the model's own over the segments
    /// (calibrated cost over points + 1), the rest — the kernel's added work, page work — over the
    /// kind's page events (added over pages per operation), where the model does its page work.
    /// A kind with no page events spreads all of it over its segments. A munmap's own work that
    /// scales with the pages it zaps goes to those pages (<see cref="LocalSpread.ZapNs"/>), where
    /// unmap_page_range does it, not into the split's <c>__vma_adjust</c> before it: its share is
    /// the share of its segments from its first page event on
    /// (<see cref="OpProfile.PointsAfterPagePerOp"/> over points + 1), a count of the model's own
    /// path, no fitted constant; it is the model's own time, not page work, so it takes no lock.
    /// </summary>
    public static LocalSpread Spread(LocalCost model, LocalCost local, OpProfile profile)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(profile);
        var segments = new double[Kinds];
        var pages = new double[Kinds];
        var zaps = new double[Kinds];
        for (var k = 0; k < Kinds; k++)
        {
            var kind = (OpKind)k;
            if (!local.NsPerOp.ContainsKey(kind.ToString()))
                continue;
            var segmentsPerOp = profile.PointsPerOp[k] + 1;
            if (profile.PagesPerOp[k] > 0)
            {
                var zap = kind == OpKind.Munmap ? model.Of(kind) * profile.PointsAfterPagePerOp[k] / segmentsPerOp : 0;
                segments[k] = (model.Of(kind) - zap) / segmentsPerOp;
                pages[k] = (local.Of(kind) - model.Of(kind)) / profile.PagesPerOp[k];
                zaps[k] = zap / profile.PagesPerOp[k];
            }
            else
                segments[k] = local.Of(kind) / segmentsPerOp;
        }
        return new LocalSpread(segments, pages, zaps);
    }

    /// <summary>
    /// <paramref name="spread"/> (the calibration's, per segment and per 4 KiB page event) on a
    /// machine whose base page is <paramref name="basePages"/> 4 KiB pages: a fault's page event
    /// (its allocation, <see cref="PageEvent.Allocate"/>) is one base page, so it takes the 4 KiB
    /// page's work once — the trap and walk are the fault's segments, the allocation, LRU add and
    /// per-CPU and LRU lock holds stay once per page — plus <paramref name="furtherPageNs"/> for
    /// each further 4 KiB of it (<see cref="Calibration.FurtherPageNs"/>: the zeroing a huge
    /// page's fault measures beyond a 4 KiB fault's work, <see cref="PageZeroing"/>). A zap's page (<see cref="PageEvent.Free"/>) is freed once, as a 4 KiB page is: unchanged.
    /// Segments are per scheduling point and stay: the point's own path says how many it makes.
    /// </summary>
    public static LocalSpread ForBasePage(LocalSpread spread, int basePages, double furtherPageNs)
    {
        ArgumentNullException.ThrowIfNull(spread);
        ArgumentOutOfRangeException.ThrowIfNegative(furtherPageNs);
        if (BenchPlan.CheckBasePages(basePages) == 1)
            return spread;
        var pages = spread.PageNs.ToArray();
        if (pages[(int)OpKind.Fault] > 0)
            pages[(int)OpKind.Fault] += (basePages - 1) * furtherPageNs;
        return spread with { PageNs = pages };
    }

    /// <summary>Runs <paramref name="p"/> on <paramref name="machine"/> with the local work of <paramref name="spread"/>.</summary>
    public static SimResult Run(Point p, Machine machine, LocalSpread spread) => Execute(p, machine, spread, out _);

    private static SimResult Execute(Point p, Machine machine, LocalSpread spread, out VirtualTime vt)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(spread);
        using var space = Create(p.Backend, p.Config);
        var managed = space as ManagedAddressSpace;
        Func<object?, string> name = managed is not null ? managed.LineName : _ => "line";
        var windows = Windows.Prepare(space, p.Workload, p.Seed, p.Threads, p.Budget, p.MmThreads, p.BasePages);
        var cpus = ThreadPlacement.Of(p.Workload).CpusOf(machine.Topology, p.Threads, p.Seed);
        var time = new VirtualTime(machine, p.Threads, spread.SegmentNs, spread.PageNs, cpus, managed is not null ? managed.LineOf : null, spread.ZapNs);
        var failed = new long[p.Threads];
        var bodies = new Action[p.Threads];
        for (var t = 0; t < p.Threads; t++)
        {
            var thread = t;
            bodies[t] = () =>
            {
                var window = windows.Of(thread);
                var cursor = windows.Cursor(thread);
                for (var i = 0; i < window.Length; i++)
                {
                    time.BeginOp(thread, (int)window[i].Kind);
                    if (cursor.Execute(space, window[i], out _) < 0)
                        failed[thread]++;
                    time.EndOp(thread);
                }
            };
        }

        // The windows' counters only: the prefixes ran in Prepare.
        var before = space.GetStats();
        ControlledRun run;
        // The managed port's page events charge the run's clocks, its per-CPU lists and its
        // pagevecs, its locks share the mm_struct's lines as the kernel lays them out, and its
        // plain accesses (a fault's walk reading mm->pgd, find_vma reading mm_rb's root, mmap_sem's
        // owner and wait lock) move their lines (the native library does none of these: no
        // zone->lock or lru_lock there, each lock its own line, no plain access reported).
        using (PageWork.Install(time.OnPage))
        using (LineAccess.Install(time.OnLineAccess))
        using (SchedulerHooks.Install(p.Backend, p.Config))
            run = ControlledScheduler.Run(bodies, time, maxSteps: int.MaxValue, record: false, limit: TimeSpan.FromHours(1));
        vt = time;
        var error = run.Errors.FirstOrDefault(e => e is not null);
        if (error is not null)
            throw new InvalidOperationException($"simulate: a thread of {p.Config} {p.Workload.Name()} threw (seed {p.Seed})", error);
        var after = space.GetStats();
        return Summarise(p, machine, time, name, failed.Sum(), run.SchedulerFailure) with
        {
            SpfAttempts = (long)(after.SpfAttempts - before.SpfAttempts),
            SpfSuccess = (long)(after.SpfSuccess - before.SpfSuccess),
            SpfVmaChanged = (long)(after.SpfAbortSeqOdd + after.SpfAbortSeqChanged + after.SpfAbortDetached
                - before.SpfAbortSeqOdd - before.SpfAbortSeqChanged - before.SpfAbortDetached),
        };
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
        var meanEnd = clocks.Average(c => c.Now);
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
        return new SimResult(p.Workload.Name(), p.Config, p.Backend, machine.Name, p.Threads, p.Seed, ops, byKind, meanEnd,
            clocks.Max(c => c.Now), clocks.Sum(c => c.Local), clocks.Sum(c => c.Transfer), clocks.Sum(c => c.Wait),
            clocks.Sum(c => c.Transfers), failed, byLine, failure)
        {
            SleepNs = vt.SleepNs,
            Sleeps = vt.Sleeps,
            ZoneRefills = vt.ZoneRefills,
            ZoneDrains = vt.ZoneDrains,
            ZoneWaits = vt.ZoneWaits,
            ZoneWaitNs = vt.ZoneWaitNs,
            ZoneDrainWaitNs = vt.ZoneDrainWaitNs,
            LruDrains = vt.LruDrains,
            LruReleases = vt.LruReleases,
            LruWaits = vt.LruWaits,
            LruWaitNs = vt.LruWaitNs,
            LruReleaseWaitNs = vt.LruReleaseWaitNs,
        };
    }
}
