// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text.Json;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What each further 4 KiB of a bigger page adds to its fault, on the host kernel
/// (<c>native/bench zero</c>): one write fault served with a transparent huge page against the
/// 512 write faults of the same 2 MiB, (huge − 4 KiB) / 511 — the zeroing, which the per-fault
/// kernel costs (<see cref="KernelCosts"/>) hold together with the allocation, the charge and the
/// LRU add. A 64 KiB base page's fault takes it 15 times (<see cref="Simulator.ForBasePage"/>).
/// </summary>
public sealed record PageZeroing(double PerFurther4KiBNs, double HugeFaultNs, double Fault4KiBNs, IReadOnlyList<double> RoundsNs,
    string Release, DateTimeOffset Taken, string Method)
{
    /// <summary>How the number is taken, for the calibration file.</summary>
    public const string How =
        "native/bench zero -n 64: per round 64 write faults of a fresh 2 MiB-aligned anonymous region under MADV_HUGEPAGE, each served " +
        "by a transparent huge page (checked in /proc/vmstat's thp_fault_alloc, else a failure), against the 512 write faults of such a " +
        "region under MADV_NOHUGEPAGE; clock_gettime around each fault or region; per round (huge - 4 KiB) / 511, the median of the rounds";

    /// <summary>Huge pages each round faults.</summary>
    public const int HugePages = 64;

    /// <summary>Measures <paramref name="rounds"/> rounds with <paramref name="driver"/>.</summary>
    public static PageZeroing Measure(string driver, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        HotPaths.RequireDriver(driver);
        var taken = DateTimeOffset.UtcNow;
        var j = HotPaths.RunDriver(driver, "zero", "-n", HugePages.ToString(CultureInfo.InvariantCulture), "-r", rounds.ToString(CultureInfo.InvariantCulture));
        return Parse(j, taken);
    }

    /// <summary>The <see cref="PageZeroing"/> of one line of the driver's zero mode, taken at <paramref name="taken"/>.</summary>
    public static PageZeroing Parse(JsonElement j, DateTimeOffset taken)
    {
        var rounds = j.GetProperty("per_further_4k_rounds_ns").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var z = new PageZeroing(j.GetProperty("per_further_4k_ns").GetDouble(), j.GetProperty("huge_fault_ns").GetDouble(),
            j.GetProperty("fault_4k_ns").GetDouble(), rounds, j.GetProperty("release").GetString() ?? "", taken, How);
        if (!(z.PerFurther4KiBNs > 0) || !(z.Fault4KiBNs > 0) || z.HugeFaultNs <= z.Fault4KiBNs || rounds.Length == 0)
            throw new InvalidOperationException($"bench zero: not a measurement ({j})");
        return z;
    }
}
