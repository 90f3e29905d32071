// SPDX-License-Identifier: GPL-2.0-only
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Reports;

/// <summary>The Spectre.Console tables the CLI prints.</summary>
public static class ConsoleTables
{
    /// <summary>One row per run of one backend/config: what ran, the speculative path, problems.</summary>
    public static Table Stress(string title, IReadOnlyList<RunResult> runs)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }
            .AddColumns("mix", "seed", "threads", "ops", "ops/s", "spf ok", "aborts (by reason)", "fallbacks", "violations", "leaks");
        foreach (var r in runs)
        {
            table.AddRow(
                Markup.Escape(r.Mix), r.Seed.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture),
                Count(r.Operations), Rate(r), Count(r.SpfSuccess), Markup.Escape(AbortText(r)), Count(r.Fallbacks),
                Problem(r.ViolationCount), Problem((ulong)r.Leaks.Count) + CrashMark(r));
        }

        return table;
    }

    /// <summary>
    /// native and managed side by side, one row per (config, threads): ops, ops/s,
    /// the native/managed ratio, the speculative counters, violations and leaks.
    /// </summary>
    public static Table Compare(IReadOnlyList<RunResult> runs)
    {
        var table = new Table { Title = new TableTitle("concurrent runs: native vs managed") }
            .AddColumns("config", "threads", "ops n/m", "ops/s native", "ops/s managed", "n/m", "spf ok n/m",
                "aborts n/m", "fallbacks n/m", "violations n/m", "leaks n/m");
        var keys = runs.Select(r => (r.Config, r.Threads)).Distinct().OrderBy(k => k.Config, StringComparer.Ordinal).ThenBy(k => k.Threads);
        foreach (var (config, threads) in keys)
        {
            var n = runs.FirstOrDefault(r => r.Backend == "native" && r.Config == config && r.Threads == threads);
            var m = runs.FirstOrDefault(r => r.Backend == "managed" && r.Config == config && r.Threads == threads);
            table.AddRow(
                Markup.Escape(config), threads.ToString(CultureInfo.InvariantCulture),
                $"{Count(n?.Operations)}/{Count(m?.Operations)}",
                n is null ? "-" : Rate(n) + CrashMark(n), m is null ? "-" : Rate(m) + CrashMark(m),
                Ratio(n, m),
                $"{Count(n?.SpfSuccess)}/{Count(m?.SpfSuccess)}",
                Markup.Escape($"{(n is null ? "-" : AbortText(n))} / {(m is null ? "-" : AbortText(m))}"),
                $"{Count(n?.Fallbacks)}/{Count(m?.Fallbacks)}",
                $"{Problem(n?.ViolationCount)}/{Problem(m?.ViolationCount)}",
                $"{Problem((ulong?)n?.Leaks.Count)}/{Problem((ulong?)m?.Leaks.Count)}");
        }

        return table;
    }

    /// <summary>One row per sequential differential.</summary>
    public static Table Sequential(IReadOnlyList<DifferentialResult> results)
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

        return table;
    }

    /// <summary>The details of every unclean run: crash, violations, leaks and the replay command.</summary>
    public static IRenderable Problems(IEnumerable<RunResult> runs)
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

        return new Rows(rows);
    }

    /// <summary>Renders anything to plain text (no colours), e.g. for tests and logs.</summary>
    public static string ToPlainText(IRenderable renderable, int width = 200)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(renderable);
        return writer.ToString();
    }

    /// <summary>"2.31" — native ops/s over managed ops/s.</summary>
    public static string Ratio(RunResult? native, RunResult? managed) =>
        native is { OpsPerSecond: > 0 } n && managed is { OpsPerSecond: > 0 } m
            ? (n.OpsPerSecond / m.OpsPerSecond).ToString("0.00", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>"NoVma 3, SeqChanged 1" or "0".</summary>
    public static string AbortText(RunResult r) =>
        r.Aborts.Count == 0 ? "0" : string.Join(", ", r.Aborts.Select(a => $"{a.Key} {a.Value}"));

    private static string Rate(RunResult r) => r.Crash is null ? r.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Count(ulong? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Problem(ulong? value) => value switch
    {
        null => "-",
        0 => "0",
        var v => $"[red]{v}[/]",
    };

    private static string CrashMark(RunResult r) =>
        r.Crash is { } c ? $" [red]CRASH {Markup.Escape(c.Signal is { } s ? SignalNames.Name(s) : "exit " + c.ExitCode)}[/]" : "";
}
