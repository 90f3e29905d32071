// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using System.Text;

namespace Testbed.Harness.Kernel;

/// <summary>
/// 6.12's per-VMA lock statistics held against the mmu-pvl model's, per counter, as shares of
/// the faults the race steps took (success + abort + retry: each fault counts one of them;
/// a miss is an extra event before the walk is repeated, so it is given per fault as well).
/// How faults split is timing, so each side is a band over runs: the kernel's from several
/// boots of the same batch, the model's from the same race steps under several seeded
/// schedules. A model run whose faults met a VMA without anon_vma
/// (<see cref="ModelVmaLockCounts.NoAnonVma"/>: 6.12's success or retry, which the model
/// cannot tell) gives each of success and retry an interval, from none of those faults to all
/// of them; the band spans the intervals of every run. A counter agrees when the two bands
/// overlap; otherwise it differs, and the report says so (the difference is to be explained,
/// never tuned away).
/// </summary>
public sealed record LockStatComparison(IReadOnlyList<LockStatComparison.Row> Rows, int KernelRuns, int ModelRuns,
    ulong KernelFaults, ulong ModelFaults)
{
    /// <summary>The counters, in /proc/vmstat's order.</summary>
    public static IReadOnlyList<string> Counters { get; } = ["success", "abort", "retry", "miss"];

    /// <summary>True when every counter's bands overlap.</summary>
    public bool Passed => Rows.All(r => r.Agrees);

    /// <summary>One counter: the kernel's band and the model's, as shares of the faults.</summary>
    public sealed record Row(string Counter, Band Kernel, Band Model)
    {
        /// <summary>True when the bands overlap.</summary>
        public bool Agrees => Kernel.Low <= Model.High && Model.Low <= Kernel.High;
    }

    /// <summary>A closed interval of shares (0..1).</summary>
    public sealed record Band(double Low, double High)
    {
        /// <summary>The smallest band holding every interval given.</summary>
        public static Band Span(IEnumerable<(double Low, double High)> intervals)
        {
            var list = intervals.ToList();
            return list.Count == 0 ? new(0, 0) : new(list.Min(i => i.Low), list.Max(i => i.High));
        }

        /// <inheritdoc/>
        public override string ToString() => Low == High
            ? Pct(Low)
            : $"{Pct(Low)} .. {Pct(High)}";

        private static string Pct(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>Compares the kernel's runs (one per boot, summed over its race steps) with the model's (one per schedule seed).</summary>
    /// <exception cref="ArgumentException">A side has no run, or a run counted no fault.</exception>
    public static LockStatComparison Compare(IReadOnlyList<VmaLockCounts> kernel, IReadOnlyList<ModelVmaLockCounts> model)
    {
        if (kernel.Count == 0 || model.Count == 0)
            throw new ArgumentException("the comparison needs at least one kernel run and one model run");
        if (kernel.Any(k => k.Success + k.Abort + k.Retry == 0) || model.Any(m => m.Faults == 0))
            throw new ArgumentException("a run counted no fault: no race step, or a kernel without CONFIG_PER_VMA_LOCK_STATS");

        static double Share(ulong n, ulong of) => (double)n / of;
        var kRows = kernel.Select(k => (k, f: k.Success + k.Abort + k.Retry)).ToList();
        Band KernelBand(Func<VmaLockCounts, ulong> pick) => Band.Span(kRows.Select(x => (Share(pick(x.k), x.f), Share(pick(x.k), x.f))));
        var rows = new List<Row>
        {
            new("success", KernelBand(k => k.Success),
                Band.Span(model.Select(m => (Share(m.Success, m.Faults), Share(m.Success + m.NoAnonVma, m.Faults))))),
            new("abort", KernelBand(k => k.Abort), Band.Span(model.Select(m => (Share(m.Abort, m.Faults), Share(m.Abort, m.Faults))))),
            new("retry", KernelBand(k => k.Retry), Band.Span(model.Select(m => (0.0, Share(m.NoAnonVma, m.Faults))))),
            new("miss", KernelBand(k => k.Miss), Band.Span(model.Select(m => (Share(m.Miss, m.Faults), Share(m.Miss, m.Faults))))),
        };
        return new(rows, kernel.Count, model.Count,
            (ulong)kRows.Sum(x => (decimal)x.f), (ulong)model.Sum(m => (decimal)m.Faults));
    }

    /// <summary>The comparison as a table, one counter a line, then the verdict.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"per-VMA lock statistics, share of faults: kernel over {KernelRuns} run(s) ({KernelFaults} faults), mmu-pvl model over {ModelRuns} schedule(s) ({ModelFaults} faults)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"counter",-8} {"kernel band",-20} {"model band",-20} verdict");
        foreach (var r in Rows)
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {r.Counter,-8} {r.Kernel,-20} {r.Model,-20} {(r.Agrees ? "bands overlap" : "DIFFERS")}");
        return sb.ToString();
    }
}
