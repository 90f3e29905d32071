// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;
using Xunit;

namespace Testbed.Tests.Cli;

/// <summary>
/// Every output path (--result, --json, --out) is probed before the command runs: an unwritable
/// one is a usage error, one line naming the option and the path, and nothing runs. /dev/full
/// opens but fails every write; a path under a regular file and an existing folder cannot be
/// written by anyone, root included.
/// </summary>
public sealed class OutputPathSpecs : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("testbed-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string[]> Commands() => new()
    {
        { "--result", ["differential", "--seeds", "40", "--ops", "5000"] },
        { "--result", ["ab", "--sequences", "50"] },
        { "--result", ["pct", "--schedules", "50"] },
        { "--result", ["kernel", "--host", "--sequences", "5"] },
        { "--json", ["kernel", "--host", "--sequences", "5"] },
        { "--result", ["mutants", "--quick", "--no-build"] },
        { "--result", ["merge", "shard-0.json", "shard-1.json"] },
        { "--out", ["compare", "--sequential-only"] },
        { "--out", ["bench", "--quick"] },
        { "--out", ["simulate", "--quick"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_output_under_a_regular_file_is_a_usage_error_before_anything_runs(string option, string[] command)
    {
        var blocker = Path.Combine(_folder, "blocker");
        File.WriteAllText(blocker, "");
        var path = Path.Combine(blocker, "out.json");

        var line = await Refused([.. command, option, path]);

        Assert.StartsWith($"testbed {command[0]}: {option} {path}: not {(option == "--out" ? "a writable folder" : "writable")} (", line);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_existing_folder_or_dev_full_as_a_result_file_is_a_usage_error_before_anything_runs(string option, string[] command)
    {
        if (option == "--out")
            return; // a folder is what --out names
        foreach (var path in new[] { _folder, "/dev/full" })
        {
            var line = await Refused([.. command, option, path]);

            Assert.StartsWith($"testbed {command[0]}: {option} {path}: not writable (it is a ", line);
        }
    }

    [Fact]
    public void A_sweep_with_its_result_on_dev_full_exits_2_at_once_through_the_real_process()
    {
        var (code, stdout, stderr) = CliProcess.Run("differential", "--seeds", "40", "--ops", "5000", "--result", "/dev/full");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        Assert.Equal("testbed differential: --result /dev/full: not writable (it is a character device; results and reports are regular files, replaced whole)",
            stderr.Trim());
    }

    [Fact]
    public async Task Help_does_not_probe_or_create_the_output()
    {
        var path = Path.Combine(_folder, "not-yet", "r.json");

        var code = await TestbedApp.RunAsync(["differential", "--result", path, "--help"], AddressSpaceFactory.Default, new StringWriter(), new StringWriter());

        Assert.Equal(ExitCodes.Clean, code);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    private static async Task<string> Refused(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await TestbedApp.RunAsync(args, AddressSpaceFactory.Default, output, error);

        Assert.True(code == ExitCodes.Usage, $"exit {code}: {error}");
        Assert.Equal("", output.ToString());
        return Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
