// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>
/// Runs a sweep command's shard into a <see cref="SweepFile"/> (timed, with its provenance);
/// the file is written with --result and the report printed from it by the kind's reporter.
/// </summary>
internal static class SweepRun
{
    /// <summary>
    /// Runs <paramref name="run"/> for each unit of <paramref name="shard"/> (of <paramref name="units"/>),
    /// one after another, then as <see cref="ExecuteAsync"/>.
    /// </summary>
    public static int Execute(
        string kind, SortedDictionary<string, string> parameters, int units, Shard shard, FileInfo? result,
        Func<int, SweepUnit> run, Func<SweepFile, int> report) =>
        Execute(kind, parameters, units, shard, result, () => [.. shard.Units(units).Select(run)], report);

    /// <summary>Runs <paramref name="runShard"/> (the shard's units in one go), then as <see cref="ExecuteAsync"/>.</summary>
    public static int Execute(
        string kind, SortedDictionary<string, string> parameters, int units, Shard shard, FileInfo? result,
        Func<IReadOnlyList<SweepUnit>> runShard, Func<SweepFile, int> report) =>
        ExecuteAsync(kind, parameters, units, shard, result, () => Task.FromResult(runShard()), report).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="runShard"/> (shard <paramref name="shard"/>'s units of a sweep of
    /// <paramref name="units"/>), writes the file to <paramref name="result"/> when given, and returns
    /// what <paramref name="report"/> returns.
    /// </summary>
    public static async Task<int> ExecuteAsync(
        string kind, SortedDictionary<string, string> parameters, int units, Shard shard, FileInfo? result,
        Func<Task<IReadOnlyList<SweepUnit>>> runShard, Func<SweepFile, int> report)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = await runShard();
        return Finish(new SweepFile
        {
            Kind = kind,
            Parameters = parameters,
            Units = units,
            Shard = shard,
            Started = started,
            Seconds = clock.Elapsed.TotalSeconds,
            Results = results,
        }, result, report);
    }

    /// <summary>Writes <paramref name="file"/> to <paramref name="result"/> when given, then prints its report.</summary>
    public static int Finish(SweepFile file, FileInfo? result, Func<SweepFile, int> report)
    {
        if (result is not null)
            file.Write(result.FullName);
        var code = report(file);
        if (result is not null)
            Console.WriteLine($"result ({file.Kind}, shard {file.Shard}, {file.Results.Count} of {file.Units} units) in {result.FullName}");
        return code;
    }
}
