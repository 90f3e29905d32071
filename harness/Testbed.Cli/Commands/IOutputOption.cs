// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;

namespace Testbed.Cli.Commands;

/// <summary>
/// An option that names where a command writes (--result, --json, --out). Every such option of
/// the command about to run is probed before it runs (<see cref="FirstProblem"/>), so an
/// unwritable path is a usage error that costs nothing, not an I/O error after the work.
/// </summary>
internal interface IOutputOption
{
    /// <summary>Null when the path parsed for this option is writable (or not given), else one line: the option, the path and why.</summary>
    string? Problem(ParseResult parse);

    /// <summary>The first unwritable output of the command <paramref name="parse"/> runs; null when all are writable or it runs something else (--help).</summary>
    static string? FirstProblem(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (parse.Action is null || parse.Action != command.Action)
            return null;
        return command.Options.OfType<IOutputOption>().Select(o => o.Problem(parse)).FirstOrDefault(p => p is not null);
    }
}
