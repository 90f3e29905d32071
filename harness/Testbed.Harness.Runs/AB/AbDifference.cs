// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.AB;

/// <summary>The first place where two configs disagreed in one run.</summary>
/// <param name="Seed">Seed of the sequence.</param>
/// <param name="InjectAt">The failing allocation (k), 0 without injection.</param>
/// <param name="OpNo">Index of the diverging operation in the sequence.</param>
/// <param name="Operation">The diverging operation.</param>
/// <param name="What">result, layout, stats, trace, validate or leak.</param>
/// <param name="ResultA">Result on config A.</param>
/// <param name="ResultB">Result on config B.</param>
/// <param name="TraceA">Events of that operation on A.</param>
/// <param name="TraceB">Events of that operation on B.</param>
/// <param name="Replay">Command line that replays the sequence.</param>
public sealed record AbDifference(
    ulong Seed,
    ulong InjectAt,
    int OpNo,
    Operation Operation,
    string What,
    long ResultA,
    long ResultB,
    IReadOnlyList<LifecycleEvent> TraceA,
    IReadOnlyList<LifecycleEvent> TraceB,
    string Replay)
{
    /// <summary>A report a person reads: seed, operation, both traces, the replay command.</summary>
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"difference ({What}) seed {Seed} inject k={InjectAt} op #{OpNo} {Operation}",
            $"  A: result {ResultA}",
        };
        lines.AddRange(TraceA.Select(e => "    " + e));
        lines.Add($"  B: result {ResultB}");
        lines.AddRange(TraceB.Select(e => "    " + e));
        lines.Add($"  replay: {Replay}");
        return string.Join(Environment.NewLine, lines);
    }
}
