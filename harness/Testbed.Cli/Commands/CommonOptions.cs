// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>Option factories shared by the commands (a System.CommandLine option belongs to one command).</summary>
internal static class CommonOptions
{
    /// <summary>The MMU configs of the registry (native/configs.mk), the default of compare and stress.</summary>
    public static readonly string[] MmuConfigs = [.. ConfigRegistry.All.Where(c => c.Mmu && !c.TestOnly).Select(c => c.Name)];

    public static Option<ulong> Seed(ulong defaultValue = 1) => new("--seed")
    {
        Description = "Workload seed; every stream is a pure function of (mix, seed, thread). Printed in every failure with a replay command.",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Ops(int defaultValue, string description) => Positive(new Option<int>("--ops")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    });

    public static Option<double?> Duration() => new("--duration")
    {
        Description = "Optional cap in seconds on each concurrent run's threaded part; the op counts still bound it.",
    };

    public static Option<int[]> Threads(int[] defaultValue) => new("--threads")
    {
        Description = "Thread counts to run, e.g. --threads 1 2 4 8.",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string[]> Mix(string[] defaultValue) => new Option<string[]>("--mix")
    {
        Description = $"Operation mixes: {string.Join(", ", WorkloadMixNames.All.Select(m => m.Name()))}.",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    }.AcceptOnlyFromAmong([.. WorkloadMixNames.All.Select(m => m.Name())]);

    public static Option<string[]> Config(string[] defaultValue) => new("--config")
    {
        Description = $"Configs to run ({string.Join(", ", ConfigRegistry.Shipped)}; each needs its library/port).",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<string[]> Backend(string[] defaultValue) => new Option<string[]>("--backend")
    {
        Description = "Backends to run: native (P/Invoke into libtestbed-<config>.so, in a worker process) and/or managed (the C# port).",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    }.AcceptOnlyFromAmong([.. AddressSpaceFactory.Backends]);

    public static Option<bool> InProcess() => new("--in-process")
    {
        Description = "Run native runs in this process instead of a worker process (no crash isolation).",
    };

    public static TimeSpan? ToDuration(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0)
                r.AddError($"{option.Name} must be positive");
        });
        return option;
    }
}
