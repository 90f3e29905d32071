// SPDX-License-Identifier: GPL-2.0-only
using System.Text.RegularExpressions;
using Testbed.Harness.Sharding;
using Testbed.Tests.Cli;
using Xunit;

namespace Testbed.Tests.Sharding;

/// <summary>
/// A sweep run by the real CLI twice over: once whole (<c>--result single.json</c>) and as
/// four shards (<c>--shard k/4 --result sk.json</c>), then <c>testbed merge</c> of the four
/// with <c>--same-as single.json</c>. Each run is its own child process, as on a cluster.
/// </summary>
internal sealed partial class FourShards : IDisposable
{
    private FourShards(string folder) => Folder = folder;

    /// <summary>The folder holding the result files.</summary>
    public string Folder { get; }

    /// <summary>The whole run's exit code.</summary>
    public int SingleCode { get; private set; }

    /// <summary>The whole run's stdout.</summary>
    public string SingleText { get; private set; } = "";

    /// <summary>The merge's exit code.</summary>
    public int MergeCode { get; private set; }

    /// <summary>The merge's stdout.</summary>
    public string MergeText { get; private set; } = "";

    /// <summary>The whole run's result file.</summary>
    public string SinglePath => Path.Combine(Folder, "single.json");

    /// <summary>The merged result file.</summary>
    public string MergedPath => Path.Combine(Folder, "merged.json");

    /// <summary>Shard k's result file.</summary>
    public string ShardPath(int k) => Path.Combine(Folder, $"shard{k}.json");

    /// <summary>Runs <c>testbed <paramref name="sweep"/></c> whole, as 4 shards, and merges them.</summary>
    public static FourShards Run(params string[] sweep)
    {
        var runs = new FourShards(Directory.CreateTempSubdirectory("testbed-shards-").FullName);
        string stderr;
        (runs.SingleCode, runs.SingleText, stderr) = CliProcess.Run([.. sweep, "--result", runs.SinglePath]);
        Assert.True(runs.SingleCode is 0 or 1, $"{string.Join(' ', sweep)}: exit {runs.SingleCode}\n{runs.SingleText}\n{stderr}");
        for (var k = 0; k < 4; k++)
        {
            var (code, stdout, error) = CliProcess.Run([.. sweep, "--shard", $"{k}/4", "--result", runs.ShardPath(k)]);
            Assert.True(code is 0 or 1, $"shard {k}/4: exit {code}\n{stdout}\n{error}");
            Assert.Contains($"shard {k}/4", stdout);
        }
        (runs.MergeCode, runs.MergeText, stderr) = CliProcess.Run(
            ["merge", .. Enumerable.Range(0, 4).Select(runs.ShardPath), "--result", runs.MergedPath, "--same-as", runs.SinglePath]);
        Assert.True(runs.MergeCode is 0 or 1, $"merge: exit {runs.MergeCode}\n{runs.MergeText}\n{stderr}");
        return runs;
    }

    /// <summary>The whole run's result file, read back.</summary>
    public SweepFile Single() => SweepFile.Read(SinglePath);

    /// <summary>The merged result file, read back.</summary>
    public SweepFile Merged() => SweepFile.Read(MergedPath);

    /// <summary>
    /// The printed report: the output without the line naming the result file, the merge's
    /// verdict line, and with every "0.123 s" (a measured time) written as "N s".
    /// </summary>
    public static string Report(string stdout) =>
        Seconds().Replace(string.Join('\n', stdout.Split('\n')
            .Where(l => !l.StartsWith("result (", StringComparison.Ordinal) && !l.StartsWith("merge: ", StringComparison.Ordinal))), "N s");

    /// <summary>Asserts that the merge printed and wrote exactly what the whole run did, and exited alike.</summary>
    public void AssertSameReport()
    {
        Assert.Equal(SingleCode, MergeCode);
        Assert.Contains("merge: the same report as", MergeText);
        Assert.Equal(Single().ReportJson(), Merged().ReportJson());
        Assert.Equal(Report(SingleText), Report(MergeText));
    }

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Folder, recursive: true);

    [GeneratedRegex(@"\b\d+\.\d{3} s\b")]
    private static partial Regex Seconds();
}
