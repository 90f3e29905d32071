// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;

namespace Testbed.Harness.Simulation;

/// <summary>The simulation's tables as plain text lines (markdown tables, so they paste into docs as they are).</summary>
public static class SimulationText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The machines (with their wake-ups, <see cref="Machine.WithWakeup"/>) and where each parameter came from.</summary>
    public static IEnumerable<string> Machines(IEnumerable<Machine> machines)
    {
        yield return "| machine | CPUs | sockets x cores x threads | numbering | core throughput, k threads busy | transfer, siblings | same socket | across sockets | wake -> run | wake call | base page | topology source | cost source | SMT source | wake-up source | base page source |";
        yield return "|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|";
        foreach (var m in machines)
        {
            var t = m.Topology;
            var smt = t.ThreadsPerCore > 1;
            yield return string.Format(Inv, "| {0} | {1} | {2} x {3} x {4} | {5} | {6} | {7} | {8:F1} ns | {9:F1} ns | {10:F0} ns | {11:F0} ns | {16} KiB | {12} | {13} | {14} | {15} | {17} |",
                m.Name, m.Cpus, t.Sockets, t.CoresPerSocket, t.ThreadsPerCore, t.Numbering, smt ? m.SmtCoreThroughput.ToString() : "-",
                smt ? string.Format(Inv, "{0:F1} ns", m.SiblingNs) : "-", m.SameSocketNs, m.CrossSocketNs, m.WakeupNs, m.WakeCallNs,
                t.Source, m.Source, smt ? m.SmtCoreThroughput.Source : "-", m.WakeupSource, m.BasePageBytes / 1024, m.BasePageSource);
        }
    }

    /// <summary>The validation's lines.</summary>
    public static IEnumerable<string> Validation(Validation v)
    {
        yield return string.Format(Inv, "one CPU ({0}, local work: {6}): simulated {1:F0} ns, calibrated {2:F0} ns (error {3:E1}), {4} transfers, {5:F0} ns waiting",
            v.OneCpuPoint, v.OneCpuSimulatedNs, v.OneCpuCalibratedNs, v.OneCpuError, v.OneCpuTransfers, v.OneCpuWaitNs, v.Local);
        yield return string.Format(Inv, "no transfer cost ({0}): {1} CPUs run {2:F3}x one CPU's throughput, {3:F0} ns in transfers",
            v.ZeroCostPoint, v.ZeroCostThreads, v.ZeroCostSpeedup, v.ZeroCostTransferNs);
        yield return $"determinism ({v.DeterminismPoint}): {(v.Deterministic ? "the same virtual times" : "DIFFERENT virtual times")}";
    }

    /// <summary>Simulated points: throughput, transfers per operation by line, the zone->lock, the lru_lock, where the time went.</summary>
    public static IEnumerable<string> Points(IEnumerable<SimResult> results)
    {
        yield return "| workload | config | machine | CPUs | ops/s (virtual) | transfers/op | by line (transfers/op) | blocked acquisitions/op by line | zone->lock: acquisitions/op, waited, wait share (drains' part) | lru_lock: acquisitions/op, waited, wait share (releases' part) | local / transfer / wait |";
        yield return "|---|---|---|---:|---:|---:|---|---|---|---|---|";
        foreach (var r in results)
        {
            var (local, transfer, wait) = r.Shares;
            var lines = string.Join(", ", r.ByLine.Where(l => l.PerOp >= 0.005).Select(l => string.Format(Inv, "{0} {1:F2}", l.Line, l.PerOp)));
            var blocked = string.Join(", ", r.ByLine.Where(l => l.BlockedPerOp >= 0.0005).Select(l => string.Format(Inv, "{0} {1:F3}", l.Line, l.BlockedPerOp)));
            yield return string.Format(Inv, "| {0} | {1} | {2} | {3} | {4:E3} | {5:F2} | {6} | {7} | {8} | {9} | {10:P0} / {11:P0} / {12:P0} |",
                r.Workload, r.Config, r.Machine, r.Threads, r.OpsPerSecond, r.TransfersPerOp, lines.Length == 0 ? "-" : lines,
                blocked.Length == 0 ? "-" : blocked, Zone(r), Lru(r), local, transfer, wait);
        }
    }

    /// <summary>
    /// The anchors, predicted beside published, and the counts. With one seed an anchor's
    /// prediction is its value; with several, the median and the range over the seeds, the sign
    /// judged on the range (<see cref="AnchorOverSeeds.Judge"/>: a range across zero is a tie,
    /// counted apart), ±10 pp and ×2 on the median.
    /// </summary>
    public static IEnumerable<string> Anchors(IReadOnlyList<AnchorOverSeeds> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var seeds = rows.Select(a => a.Seeds.Count).DefaultIfEmpty(1).Max();
        if (seeds == 1)
        {
            yield return "| # | machine | benchmark | design vs mmu | CPUs | published | predicted | sign | ±10 pp | ×2 |";
            yield return "|---|---|---|---|---:|---|---:|---|---|---|";
        }
        else
        {
            yield return $"| # | machine | benchmark | design vs mmu | CPUs | published | predicted (median of {seeds} seeds) | range | sign | ±10 pp | ×2 |";
            yield return "|---|---|---|---|---:|---|---:|---:|---|---|---|";
        }
        foreach (var r in rows)
        {
            var a = r.First;
            var range = seeds == 1 ? "" : string.Format(Inv, " {0:+0.0;-0.0;0.0} … {1:+0.0;-0.0;0.0} % |", r.Min, r.Max);
            yield return string.Format(Inv, "| {0} | {1} | {2} | {3} | {4} | {5} | {6:+0.0;-0.0;0.0} % |{7} {8} | {9} | {10} |",
                a.Row, a.Machine, a.Workload, a.Config, a.Threads, a.Published, r.Median, range,
                r.Sign.ToString().ToLowerInvariant(), Mark(r.Within10), Mark(r.WithinFactor2));
        }
        var numbered = rows.Count(a => a.Within10 is not null);
        var ties = rows.Count(a => a.Sign == SignVerdict.Tie);
        yield return "";
        yield return string.Format(Inv, "sign matches on {0} of {1} anchors{5}; within ±10 pp on {2} of {3} with a number; within a factor of 2 on {4} of {3}",
            rows.Count(a => a.Sign == SignVerdict.Yes), rows.Count, rows.Count(a => a.Within10 == true), numbered, rows.Count(a => a.WithinFactor2 == true),
            seeds == 1 ? "" : string.Format(Inv, " over {0} seeds, a tie (the range straddles zero) on {1}", seeds, ties));
    }

    /// <summary>Every design's predicted difference from mmu on each anchor's machine and CPU count (with several seeds: the median).</summary>
    public static IEnumerable<string> AllDesigns(IReadOnlyList<AnchorOverSeeds> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var configs = rows.SelectMany(r => r.First.Others.Keys.Append(r.First.Config)).Distinct().Order(StringComparer.Ordinal).ToArray();
        yield return "| # | machine | benchmark | CPUs | published (design) | " + string.Join(" | ", configs.Select(c => c + " vs mmu")) + " |";
        yield return "|---|---|---|---:|---|" + string.Concat(configs.Select(_ => "---:|"));
        foreach (var r in rows)
        {
            var a = r.First;
            var cells = configs.Select(c => c == a.Config ? r.Median
                    : r.Seeds.All(p => p.Others.ContainsKey(c)) ? AnchorOverSeeds.MedianOf([.. r.Seeds.Select(p => p.Others[c])]) : (double?)null)
                .Select(v => v is { } x ? x.ToString("+0.0;-0.0;0.0", Inv) + " %" : "-");
            yield return $"| {a.Row} | {a.Machine} | {a.Workload} | {a.Threads} | {a.Published} ({a.Config}) | {string.Join(" | ", cells)} |";
        }
    }

    // The zone->lock's acquisitions per operation, the share of them that waited, its waits' share of all time and the drains' part of those waits.
    private static string Zone(SimResult r) => NodeLock(r, r.ZoneAcquisitions, r.ZoneWaits, r.ZoneWaitNs, r.ZoneDrainWaitNs);

    // The lru_lock's, the same, with the releases' part of its waits.
    private static string Lru(SimResult r) => NodeLock(r, r.LruAcquisitions, r.LruWaits, r.LruWaitNs, r.LruReleaseWaitNs);

    private static string NodeLock(SimResult r, long acquisitions, long waits, double waitNs, double partNs)
    {
        if (acquisitions == 0)
            return "-";
        var all = Math.Max(r.LocalNs + r.TransferNs + r.WaitNs, 1e-9);
        return string.Format(Inv, "{0:F3}, {1:P1} waited, {2:P2} of time ({3:P0})", acquisitions / (double)Math.Max(1, r.Ops),
            waits / (double)acquisitions, waitNs / all, partNs / Math.Max(waitNs, 1e-9));
    }

    private static string Mark(bool? b) => b switch
    {
        true => "yes",
        false => "no",
        null => "-",
    };
}
