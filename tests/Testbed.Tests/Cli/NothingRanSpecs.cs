// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using Testbed.Cli.Commands;
using Xunit;

namespace Testbed.Tests.Cli;

/// <summary>
/// A run that found no library or ran no operation checked nothing: it exits 3 with one
/// line on stderr and never says clean (the real testbed.dll as a child process).
/// </summary>
public sealed class NothingRanSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-nothing-ran-").FullName;

    public static TheoryData<string[]> SmallRuns() => new()
    {
        new[] { "compare", "--config", "mmu-spf", "--threads", "1", "--ops", "100", "--sequential-ops", "100" },
        new[] { "stress", "--config", "mmu-spf", "--mix", "mixed", "--threads", "1", "--ops", "100" },
    };

    [Theory]
    [MemberData(nameof(SmallRuns))]
    public void A_run_with_no_native_library_exits_3_with_one_line(string[] args)
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "no-libraries")).FullName;

        var (code, stdout, stderr) = CliProcess.Run(new Dictionary<string, string> { ["TESTBED_NATIVE_DIR"] = empty }, WithOut(args));

        Assert.True(code == ExitCodes.Failed, $"exit {code}: {stdout}{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"testbed {args[0]}: could not complete: native/mmu-spf not available here", line[..line.IndexOf(" (", StringComparison.Ordinal)]);
        Assert.Contains(empty, line);
        Assert.DoesNotContain("clean", stdout);
        Assert.DoesNotContain("no difference", stdout);
    }

    [Theory]
    [MemberData(nameof(SmallRuns))]
    public void A_run_cut_off_before_its_first_operation_exits_3_with_one_line(string[] args)
    {
        // Both backends: compare's sequential differential runs whole, its concurrent runs not at all.
        var (code, stdout, stderr) = CliProcess.Run(WithOut([.. args, "--duration", "1e-9"]));

        Assert.True(code == ExitCodes.Failed, $"exit {code}: {stdout}{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($"^testbed {args[0]}: could not complete: [0-9]+ of [0-9]+ run\\(s\\) ran no operation within --duration 0.000000001 s", line);
        Assert.DoesNotContain("clean", stdout);
        Assert.DoesNotContain("no difference", stdout);
        if (args[0] == "compare")
        {
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "compare.json")));
            Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>compare's reports go to this spec's folder (stress writes none).</summary>
    private string[] WithOut(string[] args) => args[0] == "compare" ? [.. args, "--out", _folder] : args;
}
