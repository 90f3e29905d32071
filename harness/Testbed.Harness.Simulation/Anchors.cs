// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// The anchors of docs/design-study.md's table that carry a number or a direction, with the
/// machine each was taken on (<see cref="Machines"/>), and how a prediction is held against
/// one. Rows 3, 9 and 10 were not retrieved and have nothing to compare with.
/// </summary>
public static class Anchors
{
    private const string V11 = "v11 cover letter (Dufour, 17 May 2018)";
    // LKP ran SPF v9 (Haiyan Song's report, in the v11 thread): rows 4-7 simulate mmu-spf-v9, whose
    // fallback reuses the speculative VMA (can_reuse_spf_vma) as v9 did; v11 dropped that.
    private const string Lkp = "LKP robot on v9 (linux-mm, 28 May 2018)";
    private const string V12 = "v12 cover letter (Dufour, 16 Apr 2019; the RCU tree)";
    private const string Pvl = "per-VMA locks, pft-threads (Agrawal, 15 Feb 2023)";

    /// <summary>Every anchor, in the table's order.</summary>
    public static IReadOnlyList<Anchor> All { get; } =
    [
        new("1", V11, Machines.X86Vm16, BenchWorkload.Ebizzy, "mmu-spf", 16, 100.7, 100.7, +1),
        new("2", V11, Machines.Power8x80, BenchWorkload.Ebizzy, "mmu-spf", 80, 84.5, 84.5, +1),
        new("4", Lkp, Machines.SkylakeSp4x192, BenchWorkload.PageFault2, "mmu-spf-v9", 192, -19, -17, -1),
        new("5", Lkp, Machines.SkylakeSp4x192, BenchWorkload.PageFault3, "mmu-spf-v9", 192, -23, -17, -1),
        new("6", Lkp, Machines.SkylakeSp4x192, BenchWorkload.PageFault1, "mmu-spf-v9", 192, 36.4, 36.4, +1),
        new("7", Lkp, Machines.SkylakeSp4x192, BenchWorkload.Malloc1, "mmu-spf-v9", 192, 417.3, 469.8, +1),
        new("8a", V12, Machines.X86x24, BenchWorkload.Ebizzy, "mmu-spf-rcu", 24, 70.83, 70.83, +1),
        new("8b", V12, Machines.Power8Vm1024, BenchWorkload.Ebizzy, "mmu-spf-rcu", 1024, 102, 102, +1),
        new("11", Pvl, Machines.IceLake2x128, BenchWorkload.Pft, "mmu-pvl", 1, -0.5, -0.5, -1),
        new("12", Pvl, Machines.IceLake2x128, BenchWorkload.Pft, "mmu-pvl", 4, -9.5, -9.5, -1),
        new("13a", Pvl, Machines.IceLake2x128, BenchWorkload.Pft, "mmu-pvl", 48, 16, 25, +1),
        new("13b", Pvl, Machines.IceLake2x128, BenchWorkload.Pft, "mmu-pvl", 128, 16, 25, +1),
        new("14", "Peter Zijlstra's review (the two cachelines)", Machines.X86Vm16, BenchWorkload.SingleVma, "mmu-spf", 16, null, null, -1),
    ];

    /// <summary>Whether a prediction has the published direction (a zero prediction matches none).</summary>
    public static bool SignMatches(Anchor a, double predicted) => Math.Sign(predicted) == a.Sign;

    /// <summary>Within ±10 percentage points of the published range (null: no number published).</summary>
    public static bool? Within10(Anchor a, double predicted) =>
        a.Low is { } l && a.High is { } h ? predicted >= l - 10 && predicted <= h + 10 : null;

    /// <summary>Within a factor of 2 of the published value, same direction (null: no number published).</summary>
    public static bool? WithinFactor2(Anchor a, double predicted)
    {
        if (a.Published is not { } p)
            return null;
        var ratio = predicted / p;
        return ratio >= 0.5 && ratio <= 2;
    }
}
