// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json.Nodes;
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// The merge's own rules, on files made here: the shards of one sweep merge into exactly the
/// file a single run writes (whatever order they come in, through the disk), and any set that
/// is not one sweep cut once is refused with the files and the problem named. Each sweep kind's
/// specs then hold real runs to the same (tests/Sharding/*ShardSpecs).
/// </summary>
public sealed class SweepMergerSpecs : IDisposable
{
    private const int Units = 10;
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-merge-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Four_shards_merge_into_the_single_run_whatever_their_order()
    {
        var single = Sweep(Shard.All);
        var shards = Enumerable.Range(0, 4).Reverse().Select(k => Named(Sweep(new Shard(k, 4)))).ToList();

        var merged = SweepMerger.Merge(shards);

        Assert.Equal(single.ReportJson(), merged.ReportJson());
        Assert.Equal(Shard.All, merged.Shard);
        Assert.Equal(Enumerable.Range(0, Units), merged.Results.Select(u => u.Index));
        Assert.Equal(shards.Sum(s => s.File.Seconds), merged.Seconds, 9);
    }

    [Fact]
    public void A_file_read_back_reports_what_was_written()
    {
        var file = Sweep(new Shard(1, 3));
        var path = Path.Combine(_folder, "shard.json");

        file.Write(path);
        var read = SweepFile.Read(path);

        Assert.Equal(file.ReportJson(), read.ReportJson());
        Assert.Equal(file.Shard, read.Shard);
        Assert.Equal(file.Results.Select(u => u.Measured?.ToJsonString()), read.Results.Select(u => u.Measured?.ToJsonString()));
    }

    [Fact]
    public void Measurements_are_not_part_of_the_report()
    {
        var a = Sweep(Shard.All);
        var b = a with { Results = [.. a.Results.Select(u => u with { Measured = new JsonObject { ["seconds"] = 99.5 } })], Seconds = 1234 };

        Assert.Equal(a.ReportJson(), b.ReportJson());
    }

    [Fact]
    public void A_missing_shard_is_named()
    {
        var error = Refused(Named(Sweep(new Shard(0, 4))), Named(Sweep(new Shard(1, 4))), Named(Sweep(new Shard(3, 4))));

        Assert.Contains("shard(s) 2 of 4 missing", error);
    }

    [Fact]
    public void A_shard_given_twice_is_named_with_both_files()
    {
        var error = Refused(Named(Sweep(new Shard(0, 2)), "a.json"), Named(Sweep(new Shard(0, 2)), "b.json"), Named(Sweep(new Shard(1, 2))));

        Assert.Contains("shard 0/2 given twice: a.json and b.json", error);
    }

    [Fact]
    public void Shards_of_different_sweeps_are_refused()
    {
        var other = Sweep(new Shard(1, 2)) with { Parameters = new SortedDictionary<string, string> { ["seed"] = "2", ["ops"] = "40" } };

        var error = Refused(Named(Sweep(new Shard(0, 2)), "a.json"), Named(other, "b.json"));

        Assert.Contains("seed is 1 in a.json, 2 in b.json", error);
    }

    [Fact]
    public void Shards_of_different_kinds_or_cuts_are_refused()
    {
        Assert.Contains("a kernel sweep", Refused(Named(Sweep(new Shard(0, 2))), Named(Sweep(new Shard(1, 2)) with { Kind = "kernel" })));
        Assert.Contains("different numbers of shards", Refused(Named(Sweep(new Shard(0, 2))), Named(Sweep(new Shard(1, 4)))));
    }

    [Fact]
    public void An_interrupted_shard_is_refused()
    {
        var cut = Sweep(new Shard(1, 2));
        cut = cut with { Results = [.. cut.Results.Take(2)] };

        var error = Refused(Named(Sweep(new Shard(0, 2))), Named(cut, "b.json"));

        Assert.Contains("b.json: shard 1/2 holds 2 of its 5 units (lacks 5, 7, 9)", error);
    }

    [Fact]
    public void A_unit_in_the_wrong_shard_is_refused()
    {
        var wrong = Sweep(new Shard(1, 2));
        wrong = wrong with { Results = [.. wrong.Results, new SweepUnit(2, Result(2))] };

        Assert.Contains("unit 2 does not belong to shard 1/2", Refused(Named(Sweep(new Shard(0, 2))), Named(wrong)));
    }

    [Fact]
    public void A_file_that_is_not_a_result_is_named()
    {
        var path = Path.Combine(_folder, "junk.json");
        File.WriteAllText(path, "{\"format\": 1}");

        var error = Assert.Throws<InvalidDataException>(() => SweepFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("no \"parameters\"", error.Message);
    }

    private static string Refused(params (string, SweepFile)[] shards) =>
        Assert.Throws<InvalidDataException>(() => SweepMerger.Merge(shards)).Message;

    private static (string Name, SweepFile File) Named(SweepFile file, string? name = null) =>
        (name ?? $"shard-{file.Shard.Index}.json", file);

    /// <summary>A sweep whose unit i found i * i: what any sweep kind's shard would write.</summary>
    private static SweepFile Sweep(Shard shard) => new()
    {
        Kind = "squares",
        Parameters = new SortedDictionary<string, string> { ["seed"] = "1", ["ops"] = "40" },
        Units = Units,
        Shard = shard,
        Started = DateTimeOffset.UnixEpoch.AddSeconds(shard.Index),
        Seconds = 0.5 + shard.Index,
        Results = [.. shard.Units(Units).Select(i => new SweepUnit(i, Result(i), new JsonObject { ["seconds"] = 0.1 * i }))],
    };

    private static JsonObject Result(int i) => new() { ["square"] = i * i, ["found"] = i % 3 == 0 };
}
