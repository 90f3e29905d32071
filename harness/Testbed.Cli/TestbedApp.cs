// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.Text.RegularExpressions;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;

namespace Testbed.Cli;

/// <summary>
/// Parses and runs a <c>testbed</c> command line. A parse error, or an output path
/// (--result, --json, --out) that cannot be written, is one line on stderr and exit 2, before
/// anything runs; an exception escaping a command is one line and exit 3 (no
/// stack trace; TESTBED_DEBUG=1 prints it); with <see cref="SignalCancellation"/>,
/// SIGINT and SIGTERM cancel the running command, which kills its workers, and exit
/// 130 and 143.
/// </summary>
public static class TestbedApp
{
    /// <summary>Runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(
        string[] args, AddressSpaceFactory factory, TextWriter? output = null, TextWriter? error = null, SignalCancellation? signals = null)
    {
        error ??= Console.Error;
        var root = TestbedCommands.CreateRoot(factory);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = string.Join(' ', parse.CommandResult.Command == root ? ["testbed"] : ["testbed", parse.CommandResult.Command.Name]);
            var messages = parse.Errors.Select(e => Regex.Replace(e.Message, @"\s*\n\s*", " ")).Distinct();
            error.WriteLine($"{command}: {string.Join("; ", messages)} (see {command} --help)");
            return ExitCodes.Usage;
        }

        if (IOutputOption.FirstProblem(parse) is { } unwritable)
        {
            error.WriteLine($"testbed {parse.CommandResult.Command.Name}: {unwritable}");
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error };
            if (output is not null)
                configuration.Output = output;
            var code = await parse.InvokeAsync(configuration, signals?.Token ?? CancellationToken.None);
            return signals?.Received is { } signal ? SignalCancellation.ExitCode(signal) : code;
        }
        catch (OperationCanceledException) when (signals?.Received is { } signal)
        {
            return SignalCancellation.ExitCode(signal);
        }
        catch (Exception e)
        {
            error.WriteLine($"testbed: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("TESTBED_DEBUG") == "1")
                error.WriteLine(e);
            return ExitCodes.Failed;
        }
    }
}
