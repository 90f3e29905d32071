// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Nodes;
using Testbed.Cli.Commands;
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// <c>testbed merge</c> checks every file whole, the <c>--same-as</c> reference too, before it
/// prints or writes anything: a malformed unit, a unit count its parameters do not make or a
/// lone shard of many is exit 2 and one short line naming the file, the unit and the problem,
/// with nothing on stdout and no --result written (the real CLI as a child process).
/// </summary>
public sealed class MergeInputSpecs : IClassFixture<MergeInputSpecs.Sweep>
{
    private readonly Sweep _sweep;

    public MergeInputSpecs(Sweep sweep) => _sweep = sweep;

    [Theory]
    [InlineData("{}", "unit 3: no \"config\"")]
    [InlineData("5", "unit 3: \"result\" is not an object")]
    [InlineData("agreed-yes", "unit 3: \"agreed\" is \"yes\", not true or false")]
    public void A_malformed_unit_is_refused_before_anything_is_printed_or_written(string result, string problem)
    {
        var bad = _sweep.Edited($"unit-{result.GetHashCode():x}.json", file =>
        {
            var unit = file["results"]![3]!.AsObject();
            if (result == "agreed-yes")
                unit["result"]!["agreed"] = "yes";
            else
                unit["result"] = JsonNode.Parse(result);
        });

        var line = _sweep.Refused(bad);

        Assert.Contains(bad, line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public void The_same_as_reference_is_checked_like_a_shard()
    {
        var reference = _sweep.Edited("reference.json", file => file["results"]![3]!["result"]!["agreed"] = "yes");

        var line = _sweep.Refused(_sweep.Whole, "--same-as", reference);

        Assert.Contains($"{reference}: unit 3: \"agreed\" is \"yes\"", line);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4)]
    public void A_unit_count_its_parameters_do_not_make_is_refused(int units)
    {
        // --seeds 8 × one config × one mix: 8 units; the file keeps the units it claims to have.
        var bad = _sweep.Edited($"units{units}.json", file =>
        {
            file["units"] = units;
            var kept = file["results"]!.AsArray().Where(u => u!["index"]!.GetValue<int>() < units).Select(u => u!.DeepClone()).ToArray();
            file["results"] = new JsonArray(kept);
        });

        var line = _sweep.Refused(bad);

        Assert.Contains($"{bad}: {units} units, but its differential parameters make 8", line);
    }

    [Fact]
    public void A_lone_shard_of_a_hundred_thousand_is_refused_in_one_short_line()
    {
        var line = _sweep.Refused(_sweep.LoneShard);

        Assert.Contains("shard(s) 1..99999 of 100000 missing", line);
        Assert.True(line.Length < 200, line);
    }

    [Fact]
    public void A_whole_file_merges_and_matches_itself()
    {
        var (code, stdout, stderr) = CliProcess.Run("merge", _sweep.Whole, "--same-as", _sweep.Whole);

        Assert.True(code == ExitCodes.Clean, stdout + stderr);
        Assert.Contains("merge: the same report as", stdout);
    }

    /// <summary>One real differential sweep of 8 units (whole, and shard 0 of 100,000), written once for the class.</summary>
    public sealed class Sweep : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("testbed-merge-input-").FullName;

        public Sweep()
        {
            Whole = Path.Combine(_folder, "whole.json");
            LoneShard = Path.Combine(_folder, "shard-0.json");
            string[] sweep = ["differential", "--seed", "1", "--seeds", "8", "--ops", "50", "--config", "mmu-spf"];
            foreach (var (path, shard) in new[] { (Whole, "0/1"), (LoneShard, "0/100000") })
            {
                var (code, stdout, stderr) = CliProcess.Run([.. sweep, "--shard", shard, "--result", path]);
                Assert.True(code == ExitCodes.Clean, stdout + stderr);
            }
            Assert.Equal(8, SweepFile.Read(Whole).Units);
        }

        /// <summary>The whole sweep's result file.</summary>
        public string Whole { get; }

        /// <summary>Shard 0/100000 of the same sweep.</summary>
        public string LoneShard { get; }

        /// <summary>A copy of the whole file named <paramref name="name"/>, with <paramref name="edit"/> made to its JSON.</summary>
        public string Edited(string name, Action<JsonObject> edit)
        {
            var json = JsonNode.Parse(File.ReadAllText(Whole))!.AsObject();
            edit(json);
            var path = Path.Combine(_folder, name);
            File.WriteAllText(path, json.ToJsonString());
            return path;
        }

        /// <summary>Runs <c>testbed merge <paramref name="args"/> --result OUT</c>: exit 2, nothing printed or written; the one stderr line.</summary>
        public string Refused(params string[] args)
        {
            var result = Path.Combine(_folder, $"merged-{Guid.NewGuid():N}.json");

            var (code, stdout, stderr) = CliProcess.Run(["merge", .. args, "--result", result]);

            Assert.True(code == ExitCodes.Usage, $"exit {code}: {stdout}{stderr}");
            Assert.Equal("", stdout);
            Assert.False(File.Exists(result));
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("testbed merge: ", line);
            return line;
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
