// SPDX-License-Identifier: GPL-2.0-only
using Spectre.Console;
using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;

// Logs and CI capture the output: the tables are laid out for 120 columns.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 120;

BenchCommand.ChooseManagedFlavour(args);
using var signals = new SignalCancellation();
return await TestbedApp.RunAsync(args, AddressSpaceFactory.Default, signals: signals);
