// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Harness.Backends;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// The uncontrolled baseline PCT is measured against: the same scenario on real threads
/// released together by a barrier, no hook, the OS scheduling, repeated until the end state
/// fails or <c>maxIterations</c> runs pass. Bounded by the iteration count, never by time.
/// </summary>
public sealed class StressBaseline(AddressSpaceFactory factory, string backend)
{
    /// <summary>Runs <paramref name="scenario"/> free up to <paramref name="maxIterations"/> times.</summary>
    public ExplorationResult Run(PctScenario scenario, int maxIterations)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < maxIterations; i++)
        {
            var problems = RunOnce(scenario);
            if (problems.Count > 0)
            {
                var outcome = new RunOutcome(new ControlledRun(0, [], [], "uncontrolled run (no schedule)"), problems);
                return new ExplorationResult(scenario.Name, backend, StrategyKind.Stress, i + 1,
                    (long)(i + 1) * scenario.Operations, clock.Elapsed, outcome, null, Exhausted: false);
            }
        }
        return new ExplorationResult(scenario.Name, backend, StrategyKind.Stress, maxIterations,
            (long)maxIterations * scenario.Operations, clock.Elapsed, null, null, Exhausted: false);
    }

    private List<string> RunOnce(PctScenario scenario)
    {
        using var mm = factory.Create(backend, scenario.Config);
        var (bodies, peer) = scenario.Begin(mm, () => factory.Create(backend, scenario.Config));
        using var peerOwner = peer;
        var errors = new Exception?[bodies.Count];
        using var start = new Barrier(bodies.Count);
        var threads = bodies.Select((body, t) => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                body();
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var problems = errors.Select((e, t) => e is null ? null : $"thread {t} threw {e.GetType().Name}: {e.Message}")
            .OfType<string>().ToList();
        problems.AddRange(EndState.Check(mm, scenario, run: null, peer));
        return problems;
    }
}
