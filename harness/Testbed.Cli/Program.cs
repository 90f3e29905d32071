// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Cli;
using Testbed.Cli.Commands;
using Testbed.Harness.Backends;
using Testbed.Harness.Reports;

// Logs and CI capture the output: the tables are laid out for 120 columns.
if (Console.IsOutputRedirected)
    Terminal.UseReportWidth();

BenchCommand.ChooseManagedFlavour(args);
using var signals = new SignalCancellation();
return await TestbedApp.RunAsync(args, AddressSpaceFactory.Default, signals: signals);
