// SPDX-License-Identifier: GPL-2.0-only
using System.CommandLine;
using Testbed.CommandLine;
using Testbed.Harness.Sharding;

namespace Testbed.Cli.Commands.Sweeps;

/// <summary>The options every sweep shares: which shard to run and where its mergeable result goes.</summary>
internal static class SweepOptions
{
    /// <summary><c>--shard k/n</c>, 0-based, default 0/1 (the whole sweep); checked when parsed.</summary>
    public static Option<Shard> Shard() => new("--shard")
    {
        Description = "Run only shard k of n (k/n, 0-based: a Slurm array task id or a Kubernetes completion index as it is); " +
            "unit i belongs to shard i % n. Needs --result; `testbed merge` combines the shards' results.",
        DefaultValueFactory = _ => Harness.Sharding.Shard.All,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Harness.Sharding.Shard.TryParse(text, out var shard, out var error))
                return shard;
            result.AddError("--shard " + error);
            return Harness.Sharding.Shard.All;
        },
    };

    /// <summary><c>--result PATH</c>: the mergeable JSON result of this run (probed before the run, written atomically).</summary>
    public static Option<FileInfo?> Result() => new OutputFile("--result")
    {
        Description = "Write this run's mergeable result (JSON: the sweep's parameters and every unit's result) to this file: " +
            "a regular file, checked writable before the run and replaced whole (temporary file, then rename).",
    };

    /// <summary>A shard's run is only useful with its result written: --shard other than 0/1 needs --result.</summary>
    public static void RequireResultWithShard(Command command, Option<Shard> shard, Option<FileInfo?> result)
    {
        command.Validators.Add(r =>
        {
            if (OptionRules.ValueOr(r, shard, Harness.Sharding.Shard.All).Count > 1 && r.GetResult(result) is null)
            {
                r.AddError("--shard needs --result (the shard's mergeable JSON, for `testbed merge`)");
            }
        });
    }
}
