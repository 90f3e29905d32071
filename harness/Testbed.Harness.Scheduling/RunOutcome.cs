// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Scheduling;

/// <summary>One controlled run of a scenario and the problems its end state showed.</summary>
public sealed record RunOutcome(ControlledRun Run, IReadOnlyList<string> Problems)
{
    /// <summary>Whether anything was wrong.</summary>
    public bool Failed => Problems.Count > 0;
}
