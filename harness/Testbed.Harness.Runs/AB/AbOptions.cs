// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.AB;

/// <summary>What one A/B run does.</summary>
/// <param name="Seed">Seed of the first sequence; sequence i uses Seed + i.</param>
/// <param name="Sequences">How many seeded sequences to run.</param>
/// <param name="Ops">Random operations per sequence (before the teardown).</param>
/// <param name="ConfigA">The reference config (nommu-orig).</param>
/// <param name="ConfigB">The config under test (nommu).</param>
/// <param name="Inject">Also rerun every sequence with allocation k failing, k = 1..N.</param>
public sealed record AbOptions(
    ulong Seed = 1,
    int Sequences = 100,
    int Ops = 40,
    string ConfigA = "nommu-orig",
    string ConfigB = "nommu",
    bool Inject = true)
{
    /// <summary>The command line that replays one sequence.</summary>
    public string ReplayCommand(ulong seed) =>
        $"./scripts/testbed ab --seed {seed} --sequences 1 --ops {Ops} --configs {ConfigA},{ConfigB}" +
        (Inject ? "" : " --no-inject");
}
