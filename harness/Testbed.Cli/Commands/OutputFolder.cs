// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Harness.Files;

namespace Testbed.Cli.Commands;

/// <summary>
/// A folder the command writes its reports into (--out), probed before the command runs: created
/// when missing, and a byte written and flushed to a temporary file in it.
/// </summary>
internal sealed class OutputFolder : Option<DirectoryInfo>, IOutputOption
{
    /// <summary>Creates the option <paramref name="name"/>.</summary>
    public OutputFolder(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public string? Problem(ParseResult parse) =>
        parse.GetValue(this) is { } folder && AtomicFile.ProbeFolder(folder.FullName) is { } why
            ? $"{Name} {folder.FullName}: not a writable folder ({why})"
            : null;
}
