// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// One scheduling decision of a controlled run: at <paramref name="Step"/>, after
/// <paramref name="Previous"/> (-1: none, or it finished) reached <paramref name="Point"/>
/// on <paramref name="Object"/>, <paramref name="Chosen"/> was picked among <paramref name="Enabled"/>.
/// </summary>
public sealed record Decision(int Step, int Previous, SchedPoint? Point, string Object, IReadOnlyList<int> Enabled, int Chosen)
{
    /// <summary>Whether the choice stopped a thread that could have gone on.</summary>
    public bool IsPreemption => Previous >= 0 && Chosen != Previous && Enabled.Contains(Previous);

    /// <summary>A one-line form for traces.</summary>
    public override string ToString() =>
        $"#{Step} t{Previous} at {(Point?.ToString() ?? "start/exit")} {Object} -> t{Chosen} [{string.Join(' ', Enabled)}]";
}
