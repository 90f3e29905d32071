// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Differential;
using Testbed.Harness.Execution;

namespace Testbed.Harness.AB;

/// <summary>
/// Runs the same seeded nommu sequences in lockstep on two configs (nommu-orig and nommu),
/// without and with allocation-failure injection (k = 1..N, N = the allocations the
/// sequence makes), and compares after every operation, with the one comparison engine
/// (<see cref="Lockstep{TView}"/>): the result, the layout, the live-object stats, validate, and
/// the lifecycle trace (per object, see <see cref="TraceComparer"/>). A run stops at its first
/// difference. The injection is the A/B's own.
/// </summary>
public sealed class AbRunner(Func<string, IAddressSpace> open)
{
    private const int MaxTeardownOps = 512;

    /// <summary>The counters both nommu configs keep alike: live objects, allocations, injections, violations.</summary>
    private static readonly Func<Stats, ulong>[] LiveObjects =
        [s => s.LiveVmas, s => s.LiveFiles, s => s.LiveRegions, s => s.MapCount, s => s.Allocations, s => s.InjectedFailures, s => s.Violations];

    /// <summary>
    /// The A/B's checks, in order: the result, the layout, the live-object counters, validate_mm
    /// on both, and the lifecycle trace per object (<see cref="TraceComparer"/>).
    /// </summary>
    private static readonly Lockstep<SpaceView> Engine = new(
        SpaceView.ResultCheck("A", "B"),
        SpaceView.LayoutCheck("A", "B"),
        SpaceView.StatsCheck("A", "B", SameStats),
        SpaceView.ValidateCheck(),
        new Lockstep<SpaceView>.Check(DivergenceKind.Trace, (l, r) =>
            TraceComparer.Compare(l.Events, r.Events).Equal ? null : new($"{l.Events.Count} event(s)", $"{r.Events.Count} event(s)", "")));

    /// <summary>Runs <paramref name="options"/>; <paramref name="progress"/> gets each finished sequence number.</summary>
    public AbSummary Run(AbOptions options, Action<int>? progress = null)
    {
        var sequences = new List<AbSequenceResult>();
        for (var s = 0; s < options.Sequences; s++)
        {
            sequences.Add(RunSequence(options, s));
            progress?.Invoke(s + 1);
        }

        return AbSummary.Of(options.ConfigA, options.ConfigB, sequences);
    }

    /// <summary>
    /// Runs sequence <paramref name="index"/> of <paramref name="options"/> (seed + index) without
    /// and, with injection, with each of its allocations failing: nothing carries over from
    /// other sequences, so this is what the sequence gives in any run.
    /// </summary>
    public AbSequenceResult RunSequence(AbOptions options, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var tally = new Tally();
        var seed = options.Seed + (ulong)index;
        var allocations = RunOnce(options, seed, 0, tally);
        if (options.Inject)
        {
            for (var k = 1UL; k <= allocations; k++)
            {
                RunOnce(options, seed, k, tally);
            }
        }

        return new AbSequenceResult(index, seed, tally.Runs, tally.Operations, tally.Injected,
            tally.Paths.Order(StringComparer.Ordinal).ToList(), tally.Events, tally.Reordered, tally.Differences);
    }

    private ulong RunOnce(AbOptions options, ulong seed, ulong k, Tally tally)
    {
        using var a = open(options.ConfigA);
        using var b = open(options.ConfigB);
        a.Trace(true);
        b.Trace(true);
        if (k != 0)
        {
            a.InjectAllocFailure(CacheKind.Any, k);
            b.InjectAllocFailure(CacheKind.Any, k);
        }

        var gen = new SequenceGenerator(seed, options.Ops);
        var runA = new StreamExecutor(a);
        var runB = new StreamExecutor(b);
        IReadOnlyList<VmaInfo> layoutA = [];
        var statsA = a.GetStats();
        var statsB = b.GetStats();
        tally.Runs++;
        for (var opNo = 0; ; opNo++)
        {
            if (opNo >= options.Ops && (layoutA.Count == 0 || opNo - options.Ops > MaxTeardownOps))
            {
                break;
            }

            var op = gen.Next(opNo, layoutA);
            var injectedBefore = statsA.InjectedFailures;
            var viewA = SpaceView.Observe(a, runA.Run(op), validate: true);
            var viewB = SpaceView.Observe(b, runB.Run(op), validate: true);
            var ra = viewA.Outcome.Result;
            var evA = viewA.Events;
            (layoutA, statsA, statsB) = (viewA.Layout, viewA.Stats, viewB.Stats);
            tally.Operations++;
            tally.Events += evA.Count;
            if (ra < 0)
            {
                var kinds = string.Join(",", evA.Select(e => e.Type).Distinct().Order());
                var injected = statsA.InjectedFailures != injectedBefore ? " injected" : "";
                tally.Paths.Add($"{op.Kind} {ra}{injected} [{kinds}]");
            }

            if (Engine.First(opNo, op.ToString(), viewA, viewB) is { } divergence)
            {
                tally.Differences.Add(new AbDifference(seed, k, opNo, op, divergence.Kind.ToString().ToLowerInvariant(),
                    ra, viewB.Outcome.Result, evA, viewB.Events, options.ReplayCommand(seed)));
                return statsA.Allocations;
            }

            if (TraceComparer.Compare(evA, viewB.Events).Reordered)
            {
                tally.Reordered++;
            }
        }

        tally.Injected += (long)statsA.InjectedFailures;
        if (statsA.LiveVmas != 0 || statsA.LiveRegions != 0 || statsB.LiveVmas != 0 || statsB.LiveRegions != 0)
        {
            tally.Differences.Add(new AbDifference(seed, k, -1, default, "leak", (long)statsA.LiveVmas,
                (long)statsB.LiveVmas, [], [], options.ReplayCommand(seed)));
        }

        return statsA.Allocations;
    }

    private static bool SameStats(Stats x, Stats y) => LiveObjects.All(counter => counter(x) == counter(y));

    private sealed class Tally
    {
        public long Runs { get; set; }

        public long Operations { get; set; }

        public long Injected { get; set; }

        public long Events { get; set; }

        public long Reordered { get; set; }

        public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

        public List<AbDifference> Differences { get; } = [];
    }
}
