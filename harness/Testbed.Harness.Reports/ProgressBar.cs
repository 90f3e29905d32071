// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;

namespace Testbed.Harness.Reports;

/// <summary>One bar of a <see cref="ProgressDisplay"/>: what runs now, and one more step done.</summary>
public sealed class ProgressBar
{
    private readonly ProgressTask _task;

    internal ProgressBar(ProgressTask task) => _task = task;

    /// <summary>Names the step that runs now (plain text).</summary>
    public void Now(string description) => _task.Description = Markup.Escape(description);

    /// <summary>One more step done.</summary>
    public void Step() => _task.Increment(1);
}
