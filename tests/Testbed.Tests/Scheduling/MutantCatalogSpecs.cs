// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The mutant catalog agrees with the code and the docs: every native mutant's define is
/// used by a source under native/, every mutant is listed in docs/mutants.md, the catalog
/// covers the protocol areas the issue names, and a managed mutant is found by the PCT
/// detector that <c>testbed mutants</c> runs.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class MutantCatalogSpecs
{
    private static readonly string Root = RepoPaths.Root();

    [Fact]
    public void Every_native_mutant_is_a_define_the_sources_use()
    {
        var sources = string.Join('\n', Directory.EnumerateFiles(Path.Combine(Root, "native", "mm"), "*.c")
            .Select(File.ReadAllText));
        var unused = MutantCatalog.All.Where(m => m.Native && !sources.Contains(m.Define, StringComparison.Ordinal))
            .Select(m => m.Define).ToList();
        Assert.True(unused.Count == 0, $"no source under native/mm uses: {string.Join(", ", unused)}");
    }

    [Fact]
    public void Docs_list_every_mutant()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "mutants.md"));
        var missing = MutantCatalog.All.Where(m => !doc.Contains($"`{m.Name}`", StringComparison.Ordinal)).Select(m => m.Name).ToList();
        Assert.True(missing.Count == 0, $"docs/mutants.md does not list: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_catalog_covers_the_protocol_areas_and_has_fidelity_mutants()
    {
        var protocol = MutantCatalog.All.Where(m => m.Kind == MutantKind.Protocol).ToList();
        Assert.True(protocol.Count(m => m.Native) >= 12, $"{protocol.Count(m => m.Native)} native protocol mutants");
        string[] areas = ["lock placement", "reference counting", "sequence counts", "node clearing", "free paths", "nommu region references"];
        Assert.All(areas, a => Assert.Contains(protocol, m => m.Area == a));
        Assert.Contains(MutantCatalog.All, m => m.Kind == MutantKind.Fidelity && m.Area == "merge rules");
        Assert.Contains(MutantCatalog.All, m => m.Kind == MutantKind.Fidelity && m.Area == "accounting");
        Assert.Equal(MutantCatalog.All.Count, MutantCatalog.All.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void The_pct_detector_finds_a_managed_race_mutant_with_a_replay_command()
    {
        var mutant = MutantCatalog.Find("managed-skip-speculative-recheck");
        var report = new MutantDetectors(mutant, Root).Pct(schedules: 1000, seed: 1, depth: 3);
        Assert.True(report.Found, $"PCT did not find {mutant.Name} in 1000 schedules per scenario");
        Assert.NotNull(report.Schedule);
        Assert.Contains($"--mutant {mutant.Name}", report.Replay, StringComparison.Ordinal);
        Assert.Contains($"--replay {report.Schedule}", report.Replay, StringComparison.Ordinal);
    }
}
