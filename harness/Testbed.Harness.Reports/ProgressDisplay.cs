// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;

namespace Testbed.Harness.Reports;

/// <summary>The progress display of one <see cref="Terminal.Progress"/> call: one bar per phase.</summary>
public sealed class ProgressDisplay
{
    private readonly ProgressContext _context;

    internal ProgressDisplay(ProgressContext context) => _context = context;

    /// <summary>A new bar for a phase of <paramref name="steps"/> steps.</summary>
    public ProgressBar Add(string description, int steps) => new(_context.AddTask(description, maxValue: steps));
}
