// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;

namespace Testbed.Harness.Reports;

/// <summary>
/// The terminal the CLI prints to: report blocks, verdict lines in their colours and a
/// progress display. Text is printed as given (never read as markup).
/// </summary>
public static class Terminal
{
    /// <summary>Lays everything out for <see cref="ConsoleTables.Width"/> columns, whatever the real terminal.</summary>
    public static void UseReportWidth() => AnsiConsole.Profile.Width = ConsoleTables.Width;

    /// <summary>Prints a report block.</summary>
    public static void Write(ConsoleBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        AnsiConsole.Write(block.Renderable);
    }

    /// <summary>Prints a plain line.</summary>
    public static void Line(string text) => AnsiConsole.WriteLine(text);

    /// <summary>Prints a verdict that everything passed (green).</summary>
    public static void Pass(string text) => Coloured("green", text);

    /// <summary>Prints a warning: something did not run or was cut short (yellow).</summary>
    public static void Warn(string text) => Coloured("yellow", text);

    /// <summary>Prints a failure verdict (red).</summary>
    public static void Fail(string text) => Coloured("red", text);

    /// <summary>Runs <paramref name="body"/> under a progress display.</summary>
    public static void Progress(Action<ProgressDisplay> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        AnsiConsole.Progress().Start(context => body(new ProgressDisplay(context)));
    }

    /// <summary>Runs <paramref name="body"/> under a progress display.</summary>
    public static Task ProgressAsync(Func<ProgressDisplay, Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return AnsiConsole.Progress().StartAsync(context => body(new ProgressDisplay(context)));
    }

    private static void Coloured(string colour, string text) =>
        AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
}
