// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Cli.Commands;

/// <summary>The CLI's exit codes (README and <c>testbed --help</c> list them).</summary>
public static class ExitCodes
{
    /// <summary>Everything ran and nothing was found.</summary>
    public const int Clean = 0;

    /// <summary>A finding: a difference, violation, leak, crash or kernel mismatch.</summary>
    public const int Findings = 1;

    /// <summary>A usage error: a bad option, an unwritable output (--out, --result, --json), nothing runnable here (nothing to compare).</summary>
    public const int Usage = 2;

    /// <summary>
    /// The run could not complete (an I/O error, a missing library, a run that ran no
    /// operation, a bug in the testbed): never reported as clean.
    /// </summary>
    public const int Failed = 3;

    /// <summary>The text --help shows.</summary>
    public const string Help =
        "Exit codes: 0 clean, 1 findings (difference, violation, leak, crash, kernel mismatch), " +
        "2 usage error (bad option, unwritable output, nothing runnable), 3 the run could not complete (missing library, " +
        "a run that ran no operation), 130/143 interrupted (SIGINT/SIGTERM).";
}
