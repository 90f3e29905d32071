// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// A scenario check that reads the interleaving: the speculative fault (thread 0) was stopped
/// at its first PREEMPT, after its bounds, flags and policy checks and before the vm_sequence
/// re-check that validates them, and the writer (thread 1) then ran, the fault not running,
/// until it ended or waited for a grace period. The writer's detach and write section fell
/// in that window, so the re-check right after the bounds check must have turned the fault
/// away: SEQ_CHANGED, once, and no other abort. A later check would also turn it away, but
/// for another reason (DETACHED): only the reason shows the rule, so only this check does.
/// In every other interleaving it asks nothing.
/// </summary>
public static class BoundsRecheckOracle
{
    /// <summary>The problems of <paramref name="mm"/>'s end state after <paramref name="run"/> (none when the window was not the writer's).</summary>
    public static IEnumerable<string> Check(IAddressSpace mm, ControlledRun? run)
    {
        ArgumentNullException.ThrowIfNull(mm);
        if (run is null || WriterOwnedTheWindow(run.Decisions) is not { } step)
            yield break;
        var s = mm.GetStats();
        var aborts = s.SpfAbortNoVma + s.SpfAbortSeqOdd + s.SpfAbortSeqChanged + s.SpfAbortDetached + s.SpfAbortAccess +
            s.SpfAbortNotAnon + s.SpfAbortNoAnonVma + s.SpfAbortMpol + s.SpfAbortPtlBusy;
        if (s.SpfAbortSeqChanged != 1 || aborts != 1)
        {
            yield return $"the writer ran while the fault stood between its bounds check and its vm_sequence re-check " +
                $"(decision {step}), yet the fault's aborts were SEQ_CHANGED {s.SpfAbortSeqChanged}, DETACHED {s.SpfAbortDetached}, " +
                $"{aborts} in all: expected SEQ_CHANGED once (the re-check after the bounds check)";
        }
    }

    /// <summary>The decision at which thread 0 stopped at its first PREEMPT for thread 1 to run the window alone, or null.</summary>
    private static int? WriterOwnedTheWindow(IReadOnlyList<Decision> decisions)
    {
        var i = 0;
        while (i < decisions.Count && !(decisions[i].Previous == 0 && decisions[i].Point == SchedPoint.Preempt))
            i++;
        if (i == decisions.Count || decisions[i].Chosen != 1)
            return null;
        for (var j = i + 1; j < decisions.Count; j++)
        {
            var d = decisions[j];
            if (d.Previous == 0)
                return null;
            // The writer's exit (a decision with no point) or its wait for a grace period.
            if (d.Previous == 1 && d.Point is null or SchedPoint.RcuSync)
                return decisions[i].Step;
        }
        return null;
    }
}
