// SPDX-License-Identifier: GPL-2.0-only
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Testbed.Tests.Cli;
using Xunit;

namespace Testbed.Tests.Cluster;

/// <summary>
/// Holds a command line written in a manifest or a workflow (<c>testbed SUBCOMMAND --option ...</c>)
/// to the real CLI's help for that subcommand: a renamed or removed option fails here, not on a cluster.
/// </summary>
internal static partial class CliOptions
{
    private static readonly ConcurrentDictionary<string, string> Help = new(StringComparer.Ordinal);

    /// <summary>Fails unless the line runs testbed with a subcommand whose --help names each of its options.</summary>
    public static void AssertKnown(IReadOnlyList<string> commandLine)
    {
        Assert.True(commandLine.Count >= 2 && commandLine[0].EndsWith("testbed", StringComparison.Ordinal),
            $"not a testbed command line: {string.Join(' ', commandLine)}");
        var subcommand = commandLine[1];
        var help = Help.GetOrAdd(subcommand, s =>
        {
            var (code, stdout, stderr) = CliProcess.Run(s, "--help");
            Assert.True(code == 0, $"testbed {s} --help exited {code}: {stderr}");
            // An unknown subcommand prints the root's help, which has no usage line of its own.
            Assert.True(stdout.Contains($"testbed {s} ", StringComparison.Ordinal), $"testbed has no subcommand {s}");
            return stdout;
        });
        var known = OptionName().Matches(help).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var option in commandLine.Skip(2).Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            Assert.True(known.Contains(option), $"testbed {subcommand} has no option {option} (its --help names {string.Join(' ', known)})");
    }

    [GeneratedRegex(@"--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();
}
