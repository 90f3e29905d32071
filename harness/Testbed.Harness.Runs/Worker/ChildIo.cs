// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Worker;

/// <summary>
/// What <see cref="ChildProcess"/> feeds a child and watches of it: <see cref="Stdin"/> is
/// written and then closed (null: stdin stays open, empty, while the parent lives); the line
/// callbacks see each line as it comes (everything is also in the <see cref="ChildResult"/>);
/// the child runs in <see cref="WorkingDirectory"/> (null: this process's) without the
/// variables named in <see cref="Unset"/>.
/// </summary>
public sealed record ChildIo(
    string? Stdin = null,
    Action<string>? StdoutLine = null,
    Action<string>? StderrLine = null,
    string? WorkingDirectory = null,
    IReadOnlyList<string>? Unset = null);
