// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.CommandLine;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Workloads;

namespace Testbed.Cli.Commands;

/// <summary>
/// Option factories shared by the commands (a System.CommandLine option belongs to one
/// command). Every option carries its own validator, so a bad value is a parse error
/// (exit 2, one line) before anything runs.
/// </summary>
internal static class CommonOptions
{
    /// <summary>The most threads one run may ask for.</summary>
    public const int MaxThreads = Workload.MaxThreads;

    /// <summary>The longest --duration cap a run takes.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36500);

    /// <summary>The MMU configs of the registry (native/configs.mk), the default of compare and stress.</summary>
    public static readonly string[] MmuConfigs = [.. ConfigRegistry.All.Where(c => c.Mmu && !c.TestOnly).Select(c => c.Name)];

    public static Option<ulong> Seed(ulong defaultValue = 1) => new("--seed")
    {
        Description = "Workload seed; every stream is a pure function of (mix, seed, thread). Printed in every failure with a replay command.",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Ops(int defaultValue, string description) => OptionRules.AtLeast(new Option<int>("--ops")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    }, 1);

    public static Option<double?> Duration() => OptionRules.Positive(new Option<double?>("--duration")
    {
        Description = "Optional cap in seconds (> 0) on each concurrent run's threaded part; the op counts still bound it. " +
            "A run it ends before its first operation makes the command exit 3.",
    });

    public static Option<int[]> Threads(int[] defaultValue) => OptionRules.EachBetween(new Option<int[]>("--threads")
    {
        Description = $"Thread counts to run, each 1..{MaxThreads}, e.g. --threads 1 2 4 8.",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    }, 1, MaxThreads);

    public static Option<string[]> Mix(string[] defaultValue) => new Option<string[]>("--mix")
    {
        Description = $"Operation mixes: {string.Join(", ", WorkloadMixNames.All.Select(m => m.Name()))} (nommu-shared-file needs a nommu config, the others an mmu one).",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    }.AcceptOnlyFromAmong([.. WorkloadMixNames.All.Select(m => m.Name())]);

    public static Option<string[]> Config(string[] defaultValue) => new Option<string[]>("--config")
    {
        Description = $"Configs to run ({string.Join(", ", ConfigRegistry.Shipped)}; each needs its library/port).",
        DefaultValueFactory = _ => defaultValue,
        AllowMultipleArgumentsPerToken = true,
    }.AcceptOnlyFromAmong([.. ConfigRegistry.Shipped]);

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

    /// <summary>
    /// The cap as a TimeSpan of one tick to a century: a positive cap shorter than TimeSpan's
    /// 100 ns stays positive (and still ends the run before its first operation) instead of
    /// becoming 0, and a huge one does not overflow the runner's deadline.
    /// </summary>
    public static TimeSpan? ToDuration(double? seconds) =>
        seconds is { } s ? TimeSpan.FromTicks((long)Math.Clamp(Math.Ceiling(s * TimeSpan.TicksPerSecond), 1, MaxDuration.Ticks)) : null;

    /// <summary>Rejects a mix with a config it cannot run on (nommu-shared-file needs nommu; the rest need an MMU).</summary>
    public static void MixesFitConfigs(Command command, Option<string[]> mix, string[] defaultMixes, Option<string[]> config, string[] defaultConfigs)
    {
        command.Validators.Add(result =>
        {
            var mixes = OptionRules.ValueOr(result, mix, defaultMixes) ?? [];
            var configs = OptionRules.ValueOr(result, config, defaultConfigs) ?? [];
            var known = WorkloadMixNames.All.Select(m => m.Name()).ToHashSet();
            if (mixes.Any(m => !known.Contains(m)) || configs.Any(c => !ConfigRegistry.Shipped.Contains(c)))
                return;
            foreach (var m in mixes.Select(WorkloadMixNames.Parse))
            {
                foreach (var c in configs)
                {
                    var mmu = ConfigRegistry.Get(c).Mmu;
                    if (m.NeedsMmu() != mmu)
                        result.AddError($"--mix {m.Name()} cannot run on --config {c} ({(m.NeedsMmu() ? "needs an mmu config" : "needs a nommu config")})");
                }
            }
        });
    }
}
