// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Harness.Files;

namespace Testbed.Cli.Commands;

/// <summary>
/// A file the command writes (--result, --json), written atomically (<see cref="AtomicFile"/>)
/// and probed before the command runs: its folder is created and a byte written and flushed to
/// a temporary file there; an existing target must be a regular file it may write. A device such
/// as /dev/null or /dev/full, a FIFO or a folder is refused.
/// </summary>
internal sealed class OutputFile : Option<FileInfo?>, IOutputOption
{
    /// <summary>Creates the option <paramref name="name"/>.</summary>
    public OutputFile(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public string? Problem(ParseResult parse) =>
        parse.GetValue(this) is { } file && AtomicFile.Probe(file.FullName) is { } why
            ? $"{Name} {file.FullName}: not writable ({why})"
            : null;
}
