// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Reports;

/// <summary>The tables the CLI prints (see <see cref="Terminal"/>).</summary>
public static class ConsoleTables
{
    /// <summary>The width every table is laid out for (a terminal of 120 columns).</summary>
    public const int Width = 120;

    /// <summary>One row per run of one backend/config: what ran, speculative successes and fallbacks, problems.</summary>
    public static ConsoleBlock Stress(string title, IReadOnlyList<RunResult> runs)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumns("mix", "seed", "threads", "ops", "ops/s", "spf ok", "fallbacks", "problems");
        foreach (var r in runs)
        {
            table.AddRow(
                Markup.Escape(r.Mix), r.Seed.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture),
                Count(r.Operations), Rate(r), Count(r.SpfSuccess), Count(r.Fallbacks), ProblemText(r));
        }

        return new(table);
    }

    /// <summary>The speculative path of each stress run: successes, fallbacks, and aborts by reason.</summary>
    public static ConsoleBlock StressSpeculative(string title, IReadOnlyList<RunResult> runs) =>
        new(Speculative(title, ["mix", "seed", "threads"],
            runs.Select(r => (new[] { r.Mix, r.Seed.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture) }, r))));

    /// <summary>
    /// The checked pass of compare, one row per (config, mix, threads): operations run and
    /// problems found on each side. No speeds: the checked builds pay lockdep-lite, the
    /// scheduling hook, poison and the event log on every call, on each side differently.
    /// </summary>
    public static ConsoleBlock CompareChecked(IReadOnlyList<RunResult> runs)
    {
        var table = new Table { Title = new TableTitle("concurrent runs, checked flavours: what ran and what was found (no speeds)") }
            .AddColumns("config", "mix", "threads", "native ops", "managed ops", "problems n/m");
        foreach (var (config, mix, threads) in CompareKeys(runs))
        {
            var n = Select(runs, AddressSpaceFactory.Native, config, mix, threads);
            var m = Select(runs, AddressSpaceFactory.Managed, config, mix, threads);
            table.AddRow(
                Markup.Escape(config), Markup.Escape(mix), threads.ToString(CultureInfo.InvariantCulture),
                n.Length == 0 ? "-" : Plain((ulong)n.Sum(r => r.Operations)), m.Length == 0 ? "-" : Plain((ulong)m.Sum(r => r.Operations)),
                $"{Problems(n)}/{Problems(m)}");
        }

        return new(table);
    }

    /// <summary>
    /// The timed pass of compare on the perf flavours of both backends, one row per
    /// (config, mix, threads): the median ops/s of each side, their ratio, the spread of
    /// the repeats and the problems found.
    /// </summary>
    public static ConsoleBlock Compare(IReadOnlyList<RunResult> runs)
    {
        var table = new Table { Title = new TableTitle("throughput, perf flavours (checking compiled out), native and managed interleaved: median of the repeats") }
            .AddColumns("config", "mix", "threads", "native ops/s", "managed ops/s", "n/m", "spread n/m", "problems n/m");
        foreach (var (config, mix, threads) in CompareKeys(runs))
        {
            var n = Select(runs, AddressSpaceFactory.Native, config, mix, threads);
            var m = Select(runs, AddressSpaceFactory.Managed, config, mix, threads);
            var nm = Median(n);
            var mm = Median(m);
            table.AddRow(
                Markup.Escape(config), Markup.Escape(mix), threads.ToString(CultureInfo.InvariantCulture),
                nm is null ? "-" : Rate(nm), mm is null ? "-" : Rate(mm),
                Ratio(nm, mm),
                $"{Spread(n)}/{Spread(m)}",
                $"{Problems(n)}/{Problems(m)}");
        }

        return new(table);
    }

    /// <summary>The speculative path of the median run of each (backend, config, mix, threads).</summary>
    public static ConsoleBlock CompareSpeculative(IReadOnlyList<RunResult> runs)
    {
        var rows = new List<(string[] Key, RunResult Run)>();
        foreach (var (config, mix, threads) in CompareKeys(runs))
        {
            foreach (var backend in new[] { AddressSpaceFactory.Native, AddressSpaceFactory.Managed })
            {
                if (Median(Select(runs, backend, config, mix, threads)) is { } r)
                    rows.Add(([backend, config, mix, threads.ToString(CultureInfo.InvariantCulture)], r));
            }
        }

        return new(Speculative("speculative faults (median run)", ["backend", "config", "mix", "threads"], rows));
    }

    /// <summary>
    /// Key columns, then speculative successes, fallbacks and the aborts by reason, one
    /// reason per line of the last cell (exact counts; the JSON report has them too), so
    /// the table keeps its width however many reasons occur.
    /// </summary>
    private static Table Speculative(string title, string[] keyColumns, IEnumerable<(string[] Key, RunResult Run)> rows)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumns([.. keyColumns, "spf ok", "fallbacks", "aborts by reason"]);
        foreach (var (key, r) in rows)
        {
            var aborts = Enum.GetNames<SpfAbort>()
                .Where(r.Aborts.ContainsKey)
                .Select(reason => $"{reason} {Plain(r.Aborts[reason])}")
                .DefaultIfEmpty("0");
            table.AddRow([.. key.Select(Markup.Escape), Plain(r.SpfSuccess), Plain(r.Fallbacks), string.Join('\n', aborts)]);
        }

        return table;
    }

    /// <summary>One row per sequential differential.</summary>
    public static ConsoleBlock Sequential(IReadOnlyList<DifferentialResult> results)
    {
        var table = new Table { Title = new TableTitle("sequential differential (result, layout, stats, events after every op)") }
            .AddColumns("config", "mix", "seed", "ops compared", "verdict");
        foreach (var d in results)
        {
            var verdict = d.Divergence is { } div
                ? $"[red]DIVERGES at #{div.Index} ({div.Kind})[/]"
                : "[green]identical[/]";
            table.AddRow(Markup.Escape(d.Config), Markup.Escape(d.Workload.Mix.Name()), d.Workload.Seed.ToString(CultureInfo.InvariantCulture),
                d.OperationsCompared.ToString(CultureInfo.InvariantCulture), verdict);
        }

        return new(table);
    }

    /// <summary>The details of every unclean run: crash, violations, leaks and the replay command.</summary>
    public static ConsoleBlock Problems(IEnumerable<RunResult> runs)
    {
        var rows = new List<IRenderable>();
        foreach (var r in runs.Where(r => !r.Clean))
        {
            var lines = new List<string> { $"{r.Backend}/{r.Config} {r.Mix} seed {r.Seed}, {r.Threads} thread(s)" };
            if (r.Crash is { } c)
            {
                lines.Add($"  CRASH: {c.Describe()}");
                lines.AddRange(c.LastOperations.Select(o => "    last: " + o));
            }

            lines.AddRange(r.Violations.Select(v => "  violation: " + v));
            lines.AddRange(r.Leaks.Select(l => "  leak: " + l));
            lines.Add("  replay: " + r.ReplayCommand);
            rows.Add(new Text(string.Join('\n', lines), new Style(Color.Red)));
        }

        return new(new Rows(rows));
    }

    /// <summary>"2.31" — native ops/s over managed ops/s.</summary>
    public static string Ratio(RunResult? native, RunResult? managed) =>
        native is { OpsPerSecond: > 0 } n && managed is { OpsPerSecond: > 0 } m
            ? (n.OpsPerSecond / m.OpsPerSecond).ToString("0.00", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>The run with the median ops/s (the lower middle of an even count); null for none.</summary>
    public static RunResult? Median(IReadOnlyList<RunResult> runs)
    {
        var ok = runs.Where(r => r.Crash is null).OrderBy(r => r.OpsPerSecond).ToArray();
        return ok.Length == 0 ? runs.FirstOrDefault() : ok[(ok.Length - 1) / 2];
    }

    /// <summary>"4%": (max - min) / median of the ops/s of repeated runs; "-" for fewer than two.</summary>
    public static string Spread(IReadOnlyList<RunResult> runs)
    {
        var rates = runs.Where(r => r.Crash is null).Select(r => r.OpsPerSecond).ToArray();
        if (rates.Length < 2 || Median(runs) is not { OpsPerSecond: > 0 } median)
            return "-";
        return ((rates.Max() - rates.Min()) / median.OpsPerSecond).ToString("0%", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<(string Config, string Mix, int Threads)> CompareKeys(IReadOnlyList<RunResult> runs) =>
        runs.Select(r => (r.Config, r.Mix, r.Threads)).Distinct()
            .OrderBy(k => k.Config, StringComparer.Ordinal).ThenBy(k => k.Mix, StringComparer.Ordinal).ThenBy(k => k.Threads);

    private static RunResult[] Select(IReadOnlyList<RunResult> runs, string backend, string config, string mix, int threads) =>
        runs.Where(r => r.Backend == backend && r.Config == config && r.Mix == mix && r.Threads == threads).ToArray();

    private static string Problems(IReadOnlyList<RunResult> runs) => runs.Count == 0 ? "-" : Problem((ulong)runs.Count(r => !r.Clean));

    private static string ProblemText(RunResult r)
    {
        if (r.Crash is { } c)
            return $"[red]CRASH {Markup.Escape(c.Signal is { } s ? SignalNames.Name(s) : "exit " + c.ExitCode)}[/]";
        if (r.Clean)
            return "0";
        var parts = new List<string>();
        if (r.ViolationCount > 0)
            parts.Add($"viol {r.ViolationCount}");
        if (r.Leaks.Count > 0)
            parts.Add($"leak {r.Leaks.Count}");
        return $"[red]{string.Join(", ", parts)}[/]";
    }

    private static string Rate(RunResult r) => r.Crash is null ? r.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "[red]CRASH[/]";

    private static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";

    private static string Count(ulong? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";

    private static string Plain(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Problem(ulong? value) => value switch
    {
        null => "-",
        0 => "0",
        var v => $"[red]{v}[/]",
    };
}
