// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// The invariants every scenario's end state must hold: validate_mm (tree, list, gaps,
/// refcounts, page tables) finds nothing, no WARN/BUG was recorded, every populated page
/// lies inside a VMA (the pages the mm counts equal the pages its VMAs hold), and the
/// teardown records no violation (no leaked VMA, file, anon_vma, region or reference).
/// </summary>
public static class EndState
{
    /// <summary>
    /// The problems found; destroys <paramref name="mm"/> and the scenario's
    /// <paramref name="peer"/> mm, if any (held to the same invariants, its problems prefixed
    /// "peer"). <paramref name="run"/>: the controlled run's decisions, for a scenario check
    /// that reads the interleaving (null for uncontrolled threads).
    /// </summary>
    public static IReadOnlyList<string> Check(IAddressSpace mm, PctScenario scenario, ControlledRun? run, IAddressSpace? peer = null)
    {
        var problems = Invariants(mm);
        if (scenario.Check is not null)
            problems.AddRange(scenario.Check(mm, run));
        problems.AddRange(mm.Destroy().Select(v => $"teardown: {v.Site}:{v.Line} {v.Message}"));
        if (peer is not null)
        {
            var peerProblems = Invariants(peer);
            peerProblems.AddRange(peer.Destroy().Select(v => $"teardown: {v.Site}:{v.Line} {v.Message}"));
            problems.AddRange(peerProblems.Select(p => $"peer {p}"));
        }
        return problems;
    }

    private static List<string> Invariants(IAddressSpace mm)
    {
        var problems = new List<string>();
        var bugs = mm.Validate();
        if (bugs != 0)
            problems.Add($"validate: {bugs} problem(s)");
        problems.AddRange(mm.Violations().Select(v => $"violation: {v.Site}:{v.Line} {v.Message}"));
        var stats = mm.GetStats();
        var inVmas = mm.Snapshot().Sum(v => (long)v.Populated);
        if ((long)stats.PopulatedPages != inVmas)
            problems.Add($"pages outside a VMA: the mm has {stats.PopulatedPages} populated page(s), its VMAs {inVmas}");
        return problems;
    }
}
