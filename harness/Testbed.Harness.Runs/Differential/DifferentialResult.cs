// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Differential;

/// <summary>The outcome of one sequential differential run.</summary>
public sealed record DifferentialResult(
    string Config,
    string LeftBackend,
    string RightBackend,
    Workload Workload,
    int OperationsCompared,
    Divergence? Divergence,
    string ReplayCommand)
{
    /// <summary>True when every operation agreed.</summary>
    public bool Agreed => Divergence is null;

    /// <summary>A multi-line description for a failure message or the console.</summary>
    public string Describe()
    {
        if (Divergence is not { } d)
            return $"{Config}: {LeftBackend} and {RightBackend} agree over {OperationsCompared} operations ({Workload})";
        return $"""
            {Config}: {LeftBackend} and {RightBackend} DIVERGE at operation #{d.Index} ({d.Kind}) — seed {Workload.Seed}, {Workload}
              operation: {d.Operation}
              {LeftBackend}: {d.Left}
              {RightBackend}: {d.Right}
            {d.Diff}
              replay: {ReplayCommand}
            """;
    }
}
