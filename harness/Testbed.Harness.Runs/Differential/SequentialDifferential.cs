// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Execution;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Differential;

/// <summary>
/// Runs the same seeded single-thread sequence on two backends and, after every
/// operation, requires the result, the layout (Snapshot), the counters (GetStats)
/// and the events (DrainEvents under <see cref="TraceMode.Order"/>: the lifecycle events,
/// and where each write section opens and closes, each anon_vma link and each lock is
/// taken and released) to be exactly equal, in the same order (the checks of the one
/// comparison engine, <see cref="Lockstep{TView}"/>, over <see cref="SpaceView"/>); with
/// <see cref="RunToExit"/> both are then destroyed and their teardowns must record the
/// same violations. Stops at
/// the first divergence and reports it with the seed and a replay command. The
/// sequence runs as one thread of a two-thread process (the other one idle), so the
/// speculative path is tried as the series tries it. After a fork both mms are compared
/// after every step: the child of the latest fork (two threads, traced the same way) has its
/// layout, counters and events checked as the parent's, and the children's teardowns must
/// record the same violations.
/// </summary>
public static class SequentialDifferential
{
    /// <summary>
    /// Compares <paramref name="left"/> and <paramref name="right"/> (fresh address
    /// spaces of the same config) over <paramref name="workload"/>'s thread 0.
    /// </summary>
    public static DifferentialResult Run(IAddressSpace left, IAddressSpace right, Workload workload) =>
        Run(left, right, workload, compareEvents: true);

    /// <summary>
    /// As <see cref="Run(IAddressSpace, IAddressSpace, Workload)"/>; without
    /// <paramref name="compareEvents"/> no events are recorded or compared (a perf
    /// flavour has no event log): results, layouts and stats still must match.
    /// </summary>
    public static DifferentialResult Run(IAddressSpace left, IAddressSpace right, Workload workload, bool compareEvents)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var config = left.Config.Name;
        if (right.Config.Name != config)
            throw new ArgumentException($"configs differ: {config} vs {right.Config.Name}", nameof(right));
        var single = workload with { Threads = 1 };
        var replay = ReplayCommand(config, single);

        foreach (var space in new[] { left, right })
        {
            var threads = space.SetThreads(SpeculativeThreads);
            if (threads < 0)
                throw new InvalidOperationException($"{space.Backend} SetThreads({SpeculativeThreads}): {Errno.Format(threads)}");
        }
        if (compareEvents)
        {
            left.Trace(TraceMode.Order);
            right.Trace(TraceMode.Order);
        }
        var lockstep = Engine(left.Backend, right.Backend);
        var compared = 0;
        Divergence? divergence = null;

        var setup = single.Setup();
        for (var i = 0; i < setup.Count && divergence is null; i++, compared++)
        {
            var op = setup[i];
            var l = SpaceView.Observe(left, new StepOutcome(op, left.Execute(op), null));
            var r = SpaceView.Observe(right, new StepOutcome(op, right.Execute(op), null));
            divergence = lockstep.First(i, op.ToString(), l, r);
        }

        var leftRun = new StreamExecutor(left);
        var rightRun = new StreamExecutor(right);
        // One stream feeds both: each item is generated once and run on each side.
        using (var stream = single.Stream(0, left.Config.VmaRefs).GetEnumerator())
        {
            while (divergence is null && stream.MoveNext())
            {
                var item = stream.Current;
                var lo = leftRun.Run(item);
                var ro = rightRun.Run(item);
                if (item.Op.Kind == OpKind.Fork)
                {
                    Prepare(leftRun.Child, compareEvents);
                    Prepare(rightRun.Child, compareEvents);
                }
                var l = SpaceView.Observe(left, lo);
                var r = SpaceView.Observe(right, ro);
                divergence = lockstep.First(compared, item.ToString(), l, r);
                if (divergence is null && (leftRun.Child, rightRun.Child) is ({ } lc, { } rc))
                    divergence = lockstep.First(compared, item + " [the child]", SpaceView.Observe(lc, lo), SpaceView.Observe(rc, ro));
                compared++;
            }
        }

        if (divergence is not null)
            compared--;
        leftRun.PutAll();
        rightRun.PutAll();
        divergence ??= CompareTeardown(compared, leftRun.ChildTeardownViolations, rightRun.ChildTeardownViolations,
            left.Backend, right.Backend, "the fork children's teardowns");
        return new DifferentialResult(config, left.Backend, right.Backend, single, compared, divergence, replay);
    }

    /// <summary>
    /// <see cref="Run(IAddressSpace, IAddressSpace, Workload)"/>, then both address spaces are destroyed and their teardowns must
    /// record the same violations (by operation; sites are per language).
    /// </summary>
    public static DifferentialResult RunToExit(IAddressSpace left, IAddressSpace right, Workload workload)
    {
        var result = Run(left, right, workload);
        var lv = left.Destroy();
        var rv = right.Destroy();
        if (result.Divergence is not null)
            return result;
        var teardown = CompareTeardown(result.OperationsCompared, lv, rv, left.Backend, right.Backend);
        return teardown is null ? result : result with { Divergence = teardown };
    }

    /// <summary>The threads the differential's mms have: the faulting one and an idle one.</summary>
    public const uint SpeculativeThreads = 2;

    /// <summary>A new fork child runs as its parent does: two threads, the same trace mode.</summary>
    private static void Prepare(IAddressSpace? child, bool compareEvents)
    {
        if (child is null)
            return;
        var threads = child.SetThreads(SpeculativeThreads);
        if (threads < 0)
            throw new InvalidOperationException($"{child.Backend} child SetThreads({SpeculativeThreads}): {Errno.Format(threads)}");
        if (compareEvents)
            child.Trace(TraceMode.Order);
    }

    /// <summary>Both teardowns must record the same violations (operation and count; sites are per language).</summary>
    private static Divergence? CompareTeardown(int index, IReadOnlyList<Violation> l, IReadOnlyList<Violation> r, string ln, string rn,
        string what = "teardown (tb_mm_destroy)")
    {
        var lk = l.Select(v => (v.Op, v.OpSeq)).ToArray();
        var rk = r.Select(v => (v.Op, v.OpSeq)).ToArray();
        if (lk.SequenceEqual(rk))
            return null;
        return new Divergence(index, what, DivergenceKind.Teardown, $"{l.Count} violation(s)",
            $"{r.Count} violation(s)",
            $"  {ln}:\n" + string.Join('\n', l.Select(v => "    " + v)) + $"\n  {rn}:\n" + string.Join('\n', r.Select(v => "    " + v)));
    }

    /// <summary>The CLI command line that reruns exactly this comparison.</summary>
    public static string ReplayCommand(string config, Workload workload) =>
        $"./scripts/testbed compare --sequential-only --seed {workload.Seed} --config {config} " +
        $"--mix {workload.Mix.Name()} --sequential-ops {workload.OpsPerThread}";

    /// <summary>
    /// The differential's checks, in order: the result, the layout, every counter and the
    /// events in order (empty on both sides without tracing; the same events in another
    /// order are an <see cref="DivergenceKind.EventOrder"/>).
    /// </summary>
    private static Lockstep<SpaceView> Engine(string left, string right) => new(
        SpaceView.ResultCheck(left, right),
        SpaceView.LayoutCheck(left, right),
        SpaceView.StatsCheck(left, right, (l, r) => l == r),
        SpaceView.EventsCheck(left, right));
}
