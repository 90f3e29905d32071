// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Testbed.Cli.Commands.Sweeps;
using Testbed.CommandLine;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Sharding;
using Testbed.Harness.Worker;

namespace Testbed.Cli.Commands;

/// <summary>
/// <c>testbed mutants</c>: builds every catalog mutant (native ones from their patch,
/// native/mutants/&lt;name&gt;.patch, applied to a copy of the sources, into
/// build/native/mutants/&lt;name&gt;/: <see cref="ModelPatchBuild"/>), runs the detectors against each in a process of its
/// own (PCT over the scenarios; the sequential differential; in the full run, the ASan
/// stress driver), measures the uncontrolled stress baseline next to PCT for the race
/// mutants, and prints mutant | detected by | schedules, operations, seconds | replay.
/// Exit 1 when a mutant survives every detector, 2 on bad usage. A sweep of units = the chosen
/// mutants in catalog order: <c>--shard k/n</c> builds and runs mutants i % n == k, and
/// <c>testbed merge</c> prints the table a single run prints through <see cref="Report"/>.
/// </summary>
public static class MutantsCommand
{
    /// <summary>The sweep kind in result files.</summary>
    public const string Kind = "mutants";

    private const string AsanStress = "asan stress";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Creates the <c>mutants</c> command.</summary>
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller bounds and no sanitizer stage (the CI run)." };
        var only = new Option<string[]>("--mutant") { Description = "Run only these mutants, in catalog order (default: the whole catalog).", AllowMultipleArgumentsPerToken = true };
        var schedules = new Option<int>("--schedules") { Description = "PCT schedules per scenario.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<ulong>("--seed") { Description = "PCT seed.", DefaultValueFactory = _ => 1 };
        var depth = new Option<int>("--depth") { Description = "PCT depth.", DefaultValueFactory = _ => 3 };
        var stress = new Option<int?>("--stress-runs") { Description = "Runs of the uncontrolled stress baseline (default 2000 quick, 20000 full)." };
        var noBuild = new Option<bool>("--no-build") { Description = "Use the mutant libraries already under build/native/mutants." };
        var allDetectors = new Option<bool>("--all-detectors") { Description = "Run every detector on every mutant (a detection matrix) instead of stopping at the first that catches it." };
        var runDetector = new Option<string?>("--run-detector") { Description = "Internal: run one detector (pct, stress, differential) for one --mutant in this process and print its JSON report." };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario of --run-detector stress." };
        var json = new Option<bool>("--json") { Description = "Print the table as JSON lines." };
        var shard = SweepOptions.Shard();
        shard.Description += " Here unit i is the i-th chosen mutant in catalog order; a shard builds its own native mutants.";
        var result = SweepOptions.Result();

        var command = new Command("mutants", "Build the mutant catalog, run the detectors on each, and report what caught it and how fast.")
        {
            quick, only, schedules, seed, depth, stress, noBuild, allDetectors, runDetector, scenario, json, shard, result,
        };
        SweepOptions.RequireResultWithShard(command, shard, result);
        command.Validators.Add(r =>
        {
            if (OptionRules.ValueOr<string?>(r, runDetector, null) is not null && (r.GetResult(shard) is not null || r.GetResult(result) is not null))
                r.AddError("--run-detector runs one detector in this process: it excludes --shard and --result");
        });
        command.SetAction(parse =>
        {
            var names = parse.GetValue(only) ?? [];
            List<Mutant> chosen;
            try
            {
                var named = names.Select(MutantCatalog.Find).ToHashSet();
                chosen = names.Length == 0 ? [.. MutantCatalog.All] : [.. MutantCatalog.All.Where(named.Contains)];
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"mutants: {e.Message}");
                return ExitCodes.Usage;
            }
            var isQuick = parse.GetValue(quick);
            var settings = new Settings(parse.GetValue(schedules), parse.GetValue(seed), parse.GetValue(depth),
                parse.GetValue(stress) ?? (isQuick ? 2000 : 20000), isQuick, parse.GetValue(noBuild), parse.GetValue(allDetectors));
            if (settings.Schedules < 1 || settings.Depth < 1 || settings.StressRuns < 1)
            {
                Console.Error.WriteLine("mutants: --schedules, --depth and --stress-runs must be >= 1");
                return ExitCodes.Usage;
            }
            if (parse.GetValue(runDetector) is { } detector)
            {
                if (chosen.Count != 1)
                {
                    Console.Error.WriteLine("mutants: --run-detector needs exactly one --mutant");
                    return ExitCodes.Usage;
                }
                return RunDetector(chosen[0], detector, parse.GetValue(scenario), settings);
            }
            return RunCatalog(chosen, settings, parse.GetValue(json), parse.GetValue(shard), parse.GetValue(result), names.Length == 0);
        });
        return command;
    }

    private static int RunDetector(Mutant mutant, string detector, string? scenario, Settings s)
    {
        var detectors = new MutantDetectors(mutant, RepoPaths.Root());
        DetectorReport report;
        switch (detector)
        {
            case "pct":
                report = detectors.Pct(s.Schedules, s.Seed, s.Depth);
                break;
            case "stress" when scenario is not null:
                report = detectors.Stress(scenario, s.StressRuns);
                break;
            case "differential":
                report = detectors.Differential(s.Quick ? 1000 : 3000, s.Quick ? 2 : 5);
                break;
            default:
                Console.Error.WriteLine("mutants: --run-detector pct|differential|stress (stress needs --scenario)");
                return ExitCodes.Usage;
        }
        Console.WriteLine(JsonSerializer.Serialize(report, Json));
        return ExitCodes.Clean;
    }

    private static int RunCatalog(IReadOnlyList<Mutant> mutants, Settings s, bool json, Shard shard, FileInfo? result, bool whole)
    {
        var root = RepoPaths.Root();
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["mutants"] = whole ? "all" : string.Join(",", mutants.Select(m => m.Name)),
            ["quick"] = s.Quick ? "true" : "false",
            ["schedules"] = s.Schedules.ToString(CultureInfo.InvariantCulture),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["depth"] = s.Depth.ToString(CultureInfo.InvariantCulture),
            ["stress-runs"] = s.StressRuns.ToString(CultureInfo.InvariantCulture),
            ["all-detectors"] = s.AllDetectors ? "true" : "false",
        };
        return SweepRun.Execute(Kind, parameters, mutants.Count, shard, result, i =>
        {
            var row = RunOne(root, mutants[i], s);
            Console.Error.WriteLine($"mutants: {row.Mutant}: {row.DetectedBy ?? "SURVIVED"}");
            return row.ToUnit(i);
        }, file => Report(file, json));
    }

    /// <summary>
    /// The units a result file's <paramref name="parameters"/> make: the mutants it names, or with
    /// "all" this testbed's catalog (a file written by a testbed with another catalog is refused:
    /// its unit i would be another mutant).
    /// </summary>
    public static long UnitsOf(IReadOnlyDictionary<string, string> parameters) =>
        SweepParameters.Text(parameters, "mutants") == "all" ? MutantCatalog.All.Count : SweepParameters.ListLength(parameters, "mutants");

    /// <summary>Prints the table of a whole or merged mutants sweep and returns 1 when a mutant survived.</summary>
    internal static int Report(SweepFile file) => Report(file, json: false);

    private static int Report(SweepFile file, bool json)
    {
        var rows = file.Results.OrderBy(u => u.Index).Select(MutantRow.FromUnit).ToList();
        foreach (var row in rows)
            Console.WriteLine(json ? JsonSerializer.Serialize(row, Json) : row.Line());
        var survivors = rows.Where(r => r.Survived).Select(r => r.Mutant).ToList();
        Console.WriteLine();
        Console.WriteLine($"{rows.Count - survivors.Count} of {rows.Count} mutants detected in {file.Seconds.ToString("0", CultureInfo.InvariantCulture)} s" +
            (survivors.Count > 0 ? $"; SURVIVED: {string.Join(", ", survivors)}" : ""));
        foreach (var r in rows.Where(r => r.Ratio is not null))
            Console.WriteLine($"  PCT vs stress, time to first detection, {r.Mutant}: {r.Ratio}");
        return survivors.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;
    }

    private static MutantRow RunOne(string root, Mutant mutant, Settings s)
    {
        if (mutant.Native && !s.NoBuild && Make(root, mutant, asan: false) is { } buildError)
            return new MutantRow(mutant.Name, mutant.Kind.ToString().ToLowerInvariant(), null, $"build failed: {buildError}", null);

        var reports = new List<DetectorReport>();
        foreach (var detector in Detectors(mutant, s))
        {
            reports.Add(detector == AsanStress ? Sanitizer(root, mutant, s) : Child(mutant, ["--run-detector", detector], s));
            if (reports[^1].Found && !s.AllDetectors)
                break;
        }
        // The ASan stage runs real threads without a scheduler: what it finds is measured, not part of the result.
        var asan = reports.FirstOrDefault(r => r.Detector == AsanStress);
        var controlled = reports.Where(r => r.Detector != AsanStress).ToList();
        var first = controlled.FirstOrDefault(r => r.Found);
        MutantRow row;
        if (first is null)
        {
            row = new MutantRow(mutant.Name, mutant.Kind.ToString().ToLowerInvariant(), null,
                "survived " + string.Join(", ", controlled.Select(r => $"{r.Detector} ({r.Schedules} schedules/runs)")), null);
        }
        else
        {
            string? ratio = null;
            if (mutant.Race && first.Detector == "pct" && first.Scenario is not null)
            {
                var stress = Child(mutant, ["--run-detector", "stress", "--scenario", first.Scenario], s);
                ratio = Ratio(first, stress);
            }
            row = Row(mutant, first) with { Ratio = ratio };
            if (s.AllDetectors)
                row = row with { DetectedBy = string.Join(", ", controlled.Where(r => r.Found).Select(r => r.Detector)) };
        }
        return asan is null ? row : row with { AsanStress = asan.Found, AsanReplay = asan.Replay };
    }

    /// <summary>
    /// The detectors in the order they run: PCT, the differential, and in the full run the
    /// ASan stress driver for native mmu mutants.
    /// </summary>
    private static IEnumerable<string> Detectors(Mutant mutant, Settings s)
    {
        yield return "pct";
        yield return "differential";
        if (!s.Quick && mutant.Native && mutant.Config != "nommu")
            yield return AsanStress;
    }

    private static MutantRow Row(Mutant mutant, DetectorReport r)
    {
        var at = r.Scenario is null ? "" : $" in {r.Scenario}";
        if (r.TotalSchedules > r.Schedules)
            at += $" ({r.TotalSchedules} schedules over all scenarios)";
        var cost = $"{r.Schedules} {(r.Detector == "pct" ? "schedules" : "runs")}, {r.Operations} ops{at}";
        return new MutantRow(mutant.Name, mutant.Kind.ToString().ToLowerInvariant(), r.Detector, cost, r.Replay)
        {
            Problem = r.Problems.FirstOrDefault(),
            Seconds = r.Seconds,
        };
    }

    /// <summary>stress seconds / PCT seconds; a lower bound ("&gt;") when the stress never found it.</summary>
    private static string Ratio(DetectorReport pct, DetectorReport stress)
    {
        var pctSeconds = Math.Max(pct.Seconds, 1e-6);
        var value = (stress.Seconds / pctSeconds).ToString("0.0", CultureInfo.InvariantCulture);
        return stress.Found
            ? $"{value}x (stress {stress.Schedules} runs, {stress.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s; pct {pct.Schedules} schedules, {pct.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s)"
            : $">{value}x (stress found nothing in {stress.Schedules} runs, {stress.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s; pct {pct.Schedules} schedules, {pct.Seconds.ToString("0.000", CultureInfo.InvariantCulture)} s)";
    }

    /// <summary>Runs this CLI again as <c>mutants --mutant NAME ...</c>; a crash counts as a detection by that detector.</summary>
    private static DetectorReport Child(Mutant mutant, IEnumerable<string> detectorArgs, Settings s)
    {
        string[] args =
        [
            "mutants", "--mutant", mutant.Name, .. detectorArgs,
            "--schedules", s.Schedules.ToString(CultureInfo.InvariantCulture),
            "--seed", s.Seed.ToString(CultureInfo.InvariantCulture),
            "--depth", s.Depth.ToString(CultureInfo.InvariantCulture),
            "--stress-runs", s.StressRuns.ToString(CultureInfo.InvariantCulture),
            .. s.Quick ? new[] { "--quick" } : [],
        ];
        var detector = args[4];
        var replay = "./scripts/testbed " + string.Join(' ', args);
        var (self, prefix) = ChildProcess.DotnetCommand(typeof(MutantsCommand).Assembly.Location);
        var (rc, stdout, stderr, seconds) = Exec(self, [.. prefix, .. args]);
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (rc == 0 && line is not null)
            return JsonSerializer.Deserialize<DetectorReport>(line, Json)!;
        // The mutant crashed the detector's process (a use after free that hit unmapped
        // memory, say): that is a detection, measured here from outside.
        var problem = rc > 128 ? $"process killed by signal {rc - 128}" : $"exit {rc}: {LastLine(stderr)}";
        return new DetectorReport(mutant.Name, detector + " (crash)", rc > 128 || rc == 134, 0, 0, seconds, null, null, [problem], replay);
    }

    private static DetectorReport Sanitizer(string root, Mutant mutant, Settings s)
    {
        if (Make(root, mutant, asan: true) is { } error)
            return new DetectorReport(mutant.Name, AsanStress, false, 0, 0, 0, null, null, [$"build failed: {error}"], "");
        var driver = Path.Combine(mutant.Directory(root, asan: true), $"stress-{mutant.Config}");
        string[] args = ["-t", "4", "-n", "20000", "-s", s.Seed.ToString(CultureInfo.InvariantCulture)];
        var (rc, _, stderr, seconds) = Exec(driver, args);
        return new DetectorReport(mutant.Name, AsanStress, rc != 0, 1, 4 * 20000, seconds, null, null,
            [LastLine(stderr)], $"{driver} {string.Join(' ', args)}");
    }

    /// <summary>Builds a native mutant's library from its patch (the mechanism of --model-patch); null, or why it failed.</summary>
    private static string? Make(string root, Mutant mutant, bool asan)
    {
        try
        {
            ModelPatchBuild.Build(root, [mutant.Patch(root)], mutant.Directory(root, asan), [mutant.Config], asan ? "asan" : "release");
            return null;
        }
        catch (ModelPatchException e)
        {
            return e.Message;
        }
    }

    /// <summary>Runs a child through the one launcher; one that hangs is killed after five minutes (exit 137).</summary>
    private static (int Rc, string Stdout, string Stderr, double Seconds) Exec(string file, IEnumerable<string> args)
    {
        var result = ChildProcess.Run(file, args, TimeSpan.FromMinutes(5));
        return (result.ExitCode, result.Stdout, result.Stderr, result.Elapsed.TotalSeconds);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private sealed record Settings(int Schedules, ulong Seed, int Depth, int StressRuns, bool Quick, bool NoBuild, bool AllDetectors);
}
