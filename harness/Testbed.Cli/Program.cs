// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;

// Logs and CI capture the output: give the wide side-by-side tables room.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 220;

return await TestbedCommands.CreateRoot(AddressSpaceFactory.Default).Parse(args).InvokeAsync();
