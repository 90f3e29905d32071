// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Testbed.Harness.Files;
using Testbed.Harness.Sharding;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// A result file is written whole or not at all (<see cref="AtomicFile"/>): two sweeps writing
/// the same --result at once each leave a whole document, a reader never sees a torn one, and a
/// path that cannot be replaced (a device) is refused, never renamed over.
/// </summary>
public sealed class SweepFileWriteSpecs : IDisposable
{
    private const int Rounds = 20;
    private const int Units = 4000;
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-write-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Two_writers_of_one_result_each_leave_a_whole_file_and_a_reader_never_sees_a_torn_one()
    {
        var path = Path.Combine(_folder, "result.json");
        var a = Sweep("a");
        var b = Sweep("b");
        var expected = new[] { a.ReportJson(), b.ReportJson() };
        a.Write(path);

        for (var round = 0; round < Rounds; round++)
        {
            using var writing = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                var reads = 0;
                while (!writing.IsCancellationRequested || reads == 0)
                {
                    Assert.Contains(SweepFile.Read(path).ReportJson(), expected);
                    reads++;
                }
            });
            var start = new Barrier(2);
            await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); a.Write(path); }),
                Task.Run(() => { start.SignalAndWait(); b.Write(path); }));
            await writing.CancelAsync();
            await reader;

            Assert.Contains(SweepFile.Read(path).ReportJson(), expected);
        }
        Assert.Equal(["result.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void A_rewritten_result_keeps_its_permissions()
    {
        var path = Path.Combine(_folder, "result.json");
        Sweep("a").Write(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Sweep("b").Write(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Contains("\"b\"", File.ReadAllText(path));
    }

    [Fact]
    public void A_device_is_refused_not_renamed_over()
    {
        var link = Path.Combine(_folder, "full.json");
        File.CreateSymbolicLink(link, "/dev/full");

        Assert.Throws<IOException>(() => Sweep("a").Write(link));
        Assert.Contains("character device", AtomicFile.Probe(link));
        Assert.Equal("/dev/full", new FileInfo(link).LinkTarget);
        Assert.True(File.Exists("/dev/full"));
    }

    [Fact]
    public void A_folder_on_a_regular_file_fails_the_probe_and_a_writable_one_passes_it_leaving_nothing()
    {
        var blocker = Path.Combine(_folder, "blocker");
        File.WriteAllText(blocker, "");

        Assert.NotNull(AtomicFile.Probe(Path.Combine(blocker, "r.json")));
        Assert.Null(AtomicFile.Probe(Path.Combine(_folder, "new", "r.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, "new")));
    }

    /// <summary>A large differential-shaped sweep whose every unit names <paramref name="writer"/>.</summary>
    private static SweepFile Sweep(string writer) => new()
    {
        Kind = "squares",
        Parameters = new SortedDictionary<string, string> { ["writer"] = writer },
        Units = Units,
        Shard = Shard.All,
        Results = [.. Enumerable.Range(0, Units).Select(i => new SweepUnit(i, new JsonObject
        {
            ["writer"] = writer,
            ["divergence"] = new string((char)('a' + (i % 26)), 64),
        }))],
    };
}
