// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>
/// <c>testbed merge</c>: combines the shards of one sweep (each written by a sweep command's
/// <c>--shard k/n --result FILE</c>) and prints the report a single run prints, with its exit
/// code. Every file, the <c>--same-as</c> reference too, is checked whole (<see cref="SweepKinds.Check"/>)
/// before anything is printed or written: a bad one is one short line and exit 2. <c>--same-as</c> also holds the merged report to another run's (a single run, or an
/// earlier merge): timings and run-dependent measurements aside, they must be identical.
/// </summary>
internal static class MergeCommand
{
    /// <summary>Creates the <c>merge</c> command.</summary>
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files")
        {
            Description = "The shards' result files (all n of them, any order), each checked whole before anything is printed or written.",
            Arity = ArgumentArity.OneOrMore,
        };
        var result = new OutputFile("--result")
        {
            Description = "Write the merged result here (the file a single run's --result would be; checked writable first, replaced whole).",
        };
        var sameAs = new Option<FileInfo?>("--same-as")
        {
            Description = "A result file of the same sweep (e.g. a single run's): exit 1 unless the merged report equals it " +
                "(unit results, parameters; not times or other run-dependent measurements).",
        };
        var command = new Command("merge", "Merge the shards of a sweep (--shard k/n --result FILE) into the report one run gives.")
        {
            files, result, sameAs,
        };
        command.SetAction(parse =>
        {
            SweepFile merged;
            SweepKind kind;
            SweepFile? reference = null;
            try
            {
                var shards = parse.GetValue(files)!.Select(f => (f.FullName, Read(f))).ToList();
                merged = SweepMerger.Merge(shards);
                kind = SweepKinds.Of(merged.Kind);
                merged = kind.Canonical?.Invoke(merged) ?? merged;
                if (parse.GetValue(sameAs) is { } other)
                    reference = Read(other);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("testbed merge: " + e.Message);
                return ExitCodes.Usage;
            }

            var code = SweepRun.Finish(merged, parse.GetValue(result), kind.Report);
            if (reference is null)
                return code;
            if (reference.ReportJson() == merged.ReportJson())
            {
                Console.WriteLine($"merge: the same report as {parse.GetValue(sameAs)!.FullName}");
                return code;
            }
            Console.WriteLine($"merge: DIFFERENT from {parse.GetValue(sameAs)!.FullName}: {FirstDifference(reference, merged)}");
            return ExitCodes.Findings;
        });
        return command;
    }

    /// <summary>
    /// Reads <paramref name="file"/> and checks it whole before anything is printed or written:
    /// a result file, of a known kind, with the units its parameters make, each in its shard and
    /// once, and each holding what the report reads.
    /// </summary>
    private static SweepFile Read(FileInfo file)
    {
        var read = SweepFile.Read(file.FullName);
        SweepKinds.Check(file.FullName, read);
        SweepMerger.CheckShard(file.FullName, read);
        return read;
    }

    private static string FirstDifference(SweepFile reference, SweepFile merged)
    {
        if (reference.Kind != merged.Kind || reference.Units != merged.Units)
            return $"{reference.Kind} sweep of {reference.Units} units vs {merged.Kind} sweep of {merged.Units}";
        if (!reference.Parameters.SequenceEqual(merged.Parameters))
            return "the parameters differ";
        var theirs = reference.Results.ToDictionary(u => u.Index);
        foreach (var unit in merged.Results)
        {
            if (!theirs.TryGetValue(unit.Index, out var other))
                return $"unit {unit.Index} is missing from the reference";
            var a = other.Result.ToJsonString();
            var b = unit.Result.ToJsonString();
            if (a != b)
                return $"unit {unit.Index}: {a} vs {b}";
        }
        return "the reference holds units the merge lacks";
    }
}
