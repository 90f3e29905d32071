// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Testbed.Harness.Reports;

/// <summary>
/// Something the reports lay out for a terminal (a table, a block of problem lines). What it
/// is drawn with stays inside this assembly: the CLI prints it through <see cref="Terminal"/>,
/// tests and logs read it with <see cref="ToPlainText"/>.
/// </summary>
public sealed class ConsoleBlock
{
    internal ConsoleBlock(IRenderable renderable) => Renderable = renderable;

    internal IRenderable Renderable { get; }

    /// <summary>The block as plain text (no colours) laid out for <paramref name="width"/> columns.</summary>
    public string ToPlainText(int width = 200)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(Renderable);
        return writer.ToString();
    }
}
