// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.CommandLine.Parsing;
using Testbed.CommandLine;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Workloads;

namespace Testbed.Worker;

/// <summary>
/// The worker's option checks beside the shared ranges of <see cref="OptionRules"/>, the
/// CLI's rules (known backend, config and mix, a mix that fits its config), attached to the options so a bad one is a parse error: one
/// line and exit 2, as from the CLI, not an exception out of the run.
/// </summary>
internal static class WorkerOptionRules
{
    /// <summary>Only the backends the factory knows.</summary>
    public static Option<string> Backend(Option<string> option) =>
        option.AcceptOnlyFromAmong([.. AddressSpaceFactory.Backends]);

    /// <summary>Only the registry's configs (test-only ones included: the crash specs run them).</summary>
    public static Option<string> Config(Option<string> option) =>
        option.AcceptOnlyFromAmong([.. ConfigRegistry.All.Select(c => c.Name)]);

    /// <summary>Only the known mixes.</summary>
    public static Option<string> Mix(Option<string> option) =>
        option.AcceptOnlyFromAmong([.. WorkloadMixNames.All.Select(m => m.Name())]);

    /// <summary>A mix runs only on its kind of config: nommu-shared-file on nommu, the others on an MMU.</summary>
    public static void MixFitsConfig(RootCommand command, Option<string> mix, Option<string> config)
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(mix) is not { } m || result.GetResult(config) is not { } c ||
                !OptionRules.TryGet(m, out string? mixName) || !OptionRules.TryGet(c, out string? configName) ||
                ConfigRegistry.Find(configName!) is not { } descriptor ||
                !WorkloadMixNames.All.Any(x => x.Name() == mixName))
                return;
            var workloadMix = WorkloadMixNames.Parse(mixName!);
            if (workloadMix.NeedsMmu() != descriptor.Mmu)
                result.AddError($"--mix {mixName} cannot run on --config {configName} ({(workloadMix.NeedsMmu() ? "needs an mmu config" : "needs a nommu config")})");
        });
    }
}
