// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// Building a kernel failed: a patch that does not apply (the message names the file and the
/// hunk), a config option whose dependencies are not met, or a compile error.
/// </summary>
public sealed class KernelBuildException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line saying what failed.</param>
    /// <param name="output">Everything the build script printed on stderr.</param>
    public KernelBuildException(string message, string output)
        : base(message)
    {
        Output = output;
    }

    /// <summary>Everything the build script printed on stderr.</summary>
    public string Output { get; }
}
