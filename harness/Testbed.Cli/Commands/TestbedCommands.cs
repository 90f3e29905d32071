// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Cli.Commands.Sweeps;
using Testbed.Harness.Backends;

namespace Testbed.Cli.Commands;

/// <summary>
/// Builds the <c>testbed</c> command tree. Subcommands owned by other areas
/// (kernel, ab) register here, each from its own Commands/*.cs file.
/// </summary>
public static class TestbedCommands
{
    /// <summary>The root command with every subcommand, creating address spaces through <paramref name="factory"/>.</summary>
    public static RootCommand CreateRoot(AddressSpaceFactory factory)
    {
        var root = new RootCommand("testbed: the SPF mm model, native vs managed, under stress, and against a real kernel.");
        root.Subcommands.Add(StressCommand.Create(factory));
        root.Subcommands.Add(CompareCommand.Create(factory));
        root.Subcommands.Add(DifferentialCommand.Create(factory));
        root.Subcommands.Add(AbCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(PctCommand.Create(factory));
        root.Subcommands.Add(MutantsCommand.Create());
        root.Subcommands.Add(MergeCommand.Create());
        root.Subcommands.Add(KernelCommand.Create((backend, flags) => factory.Create(backend, KernelCommand.Config, flags), factory));
        root.Description += "\n\n" + ExitCodes.Help;
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
            command.Description += "\n\n" + ExitCodes.Help;
        return root;
    }
}
