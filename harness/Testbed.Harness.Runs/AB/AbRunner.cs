// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.AB;

/// <summary>
/// Runs the same seeded nommu sequences in lockstep on two configs (nommu-orig and nommu),
/// without and with allocation-failure injection (k = 1..N, N = the allocations the
/// sequence makes), and compares after every operation: the result, the layout, the
/// live-object stats, validate, and the lifecycle trace (per object, see
/// <see cref="TraceComparer"/>). A run stops at its first difference.
/// </summary>
public sealed class AbRunner(Func<string, IAddressSpace> open)
{
    private const int MaxTeardownOps = 512;

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
            var ra = a.Execute(op);
            var rb = b.Execute(op);
            layoutA = a.Snapshot();
            var layoutB = b.Snapshot();
            var evA = a.DrainEvents();
            var evB = b.DrainEvents();
            statsA = a.GetStats();
            statsB = b.GetStats();
            tally.Operations++;
            tally.Events += evA.Count;
            if (ra < 0)
            {
                var kinds = string.Join(",", evA.Select(e => e.Type).Distinct().Order());
                var injected = statsA.InjectedFailures != injectedBefore ? " injected" : "";
                tally.Paths.Add($"{op.Kind} {ra}{injected} [{kinds}]");
            }

            var what = ra != rb ? "result"
                : !layoutA.SequenceEqual(layoutB) ? "layout"
                : !SameStats(statsA, statsB) ? "stats"
                : a.Validate() != 0 || b.Validate() != 0 ? "validate"
                : null;
            var trace = TraceComparer.Compare(evA, evB);
            what ??= trace.Equal ? null : "trace";
            if (what is not null)
            {
                tally.Differences.Add(new AbDifference(seed, k, opNo, op, what, ra, rb, evA, evB,
                    options.ReplayCommand(seed)));
                return statsA.Allocations;
            }

            if (trace.Reordered)
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

    private static bool SameStats(Stats x, Stats y) =>
        x.LiveVmas == y.LiveVmas && x.LiveFiles == y.LiveFiles && x.LiveRegions == y.LiveRegions &&
        x.MapCount == y.MapCount && x.Allocations == y.Allocations &&
        x.InjectedFailures == y.InjectedFailures && x.Violations == y.Violations;

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
