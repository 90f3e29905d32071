// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using System.CommandLine.Parsing;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Workloads;

namespace Testbed.Worker;

/// <summary>
/// The worker's option checks, the CLI's rules (known backend, config and mix, a mix that
/// fits its config, ranges), attached to the options so a bad one is a parse error: one
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

    /// <summary>The value must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Between(Option<int> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out int v) && (v < min || v > max))
                r.AddError($"{option.Name} must be {min}..{max} (got {v})");
        });
        return option;
    }

    /// <summary>The value, when given, must be a finite number of seconds above zero.</summary>
    public static Option<double?> Positive(Option<double?> option)
    {
        option.Validators.Add(r =>
        {
            if (TryGet(r, out double? value) && value is { } v && !(v > 0 && double.IsFinite(v)))
                r.AddError($"{option.Name} must be a number of seconds above 0 (got {v})");
        });
        return option;
    }

    /// <summary>A mix runs only on its kind of config: nommu-shared-file on nommu, the others on an MMU.</summary>
    public static void MixFitsConfig(RootCommand command, Option<string> mix, Option<string> config)
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(mix) is not { } m || result.GetResult(config) is not { } c ||
                !TryGet(m, out string? mixName) || !TryGet(c, out string? configName) ||
                ConfigRegistry.Find(configName!) is not { } descriptor ||
                !WorkloadMixNames.All.Any(x => x.Name() == mixName))
                return;
            var workloadMix = WorkloadMixNames.Parse(mixName!);
            if (workloadMix.NeedsMmu() != descriptor.Mmu)
                result.AddError($"--mix {mixName} cannot run on --config {configName} ({(workloadMix.NeedsMmu() ? "needs an mmu config" : "needs a nommu config")})");
        });
    }

    /// <summary>The option's value; false when it did not convert (the parser already reports that).</summary>
    private static bool TryGet<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
