// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;
using Testbed.Harness.Backends;

namespace Testbed.Cli.Commands;

/// <summary>Picks the (backend, config) pairs a command can run here and says which it skips.</summary>
internal static class RunPlanning
{
    public static IReadOnlyList<(string Backend, string Config)> Pairs(AddressSpaceFactory factory, IEnumerable<string> backends, IEnumerable<string> configs)
    {
        var pairs = new List<(string, string)>();
        foreach (var config in configs)
        {
            foreach (var backend in backends)
            {
                if (factory.IsAvailable(backend, config))
                    pairs.Add((backend, config));
                else
                    AnsiConsole.MarkupLine($"[yellow]skipping {Markup.Escape(backend)}/{Markup.Escape(config)}: not available here[/]");
            }
        }

        return pairs;
    }
}
