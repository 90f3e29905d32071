// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Worker;
using Testbed.Managed;
using Testbed.Tests.Cli;
using Testbed.Tests.Interleaving;
using Xunit;

namespace Testbed.Tests.Scheduling;

/// <summary>
/// The mutant catalog agrees with its one source and the docs: the native mutants are exactly
/// the patches under native/mutants/ with the metadata their leading lines carry, every patch
/// applies to the sources, every managed mutant value has its entry, docs/mutants.md's table
/// is the catalog's, native/mm and native/kernel carry no mutant or test define, the catalog
/// covers the protocol areas the issue names, and a managed mutant is found by the PCT
/// detector that <c>testbed mutants</c> runs.
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class MutantCatalogSpecs
{
    private static readonly string Root = RepoPaths.Root();

    [Fact]
    public void Every_mutant_patch_is_a_native_catalog_mutant_with_the_same_metadata_and_back()
    {
        var patches = Directory.EnumerateFiles(Path.Combine(Root, "native", "mutants"), "*.patch")
            .Select(MutantPatchHeader.Read).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var native = MutantCatalog.All.Where(m => m.Native).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(native.Select(m => m.Name), patches.Select(h => h.Name));
        foreach (var (m, h) in native.Zip(patches))
        {
            Assert.Equal(m.Name + ".patch", Path.GetFileName(m.Patch(Root)));
            Assert.Equal((m.Kind.ToString().ToLowerInvariant(), m.Area, m.Config, m.Race ? "yes" : "no", m.Description, m.Detector),
                (h.Kind, h.Area, h.Config, h.Race, h.Breaks, h.CaughtBy));
        }
    }

    [Fact]
    public void Every_managed_mutant_value_has_one_catalog_entry()
    {
        var used = MutantCatalog.All.Where(m => m.Managed is not null).Select(m => m.Managed!.TestOnlyMutant)
            .Where(v => v != ManagedMutant.None).ToList();
        Assert.Equal(Enum.GetValues<ManagedMutant>().Where(v => v != ManagedMutant.None).Order(), used.Order());
    }

    [Fact]
    public void Every_catalog_and_test_config_patch_applies_to_the_sources()
    {
        var patches = MutantCatalog.All.Where(m => m.Native).Select(m => m.Patch(Root))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "native", "test-configs"), "*.patch"));
        foreach (var patch in patches)
        {
            var (rc, output) = DryRun(patch);
            Assert.True(rc == 0, $"{patch} does not apply to native/: {output}");
        }
    }

    [Fact]
    public void The_model_and_the_shims_carry_no_mutant_or_test_define()
    {
        var hits = new[] { "mm", "kernel" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, "native", d)))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Index: i, Line: line)))
            .Where(x => x.Line.Contains("TB_MUTANT_", StringComparison.Ordinal) || x.Line.Contains("TB_TEST_", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(Root, x.File)}:{x.Index + 1}").ToList();
        Assert.True(hits.Count == 0, $"test machinery in the model: {string.Join(", ", hits)}");
    }

    [Fact]
    public void Docs_table_is_the_catalog()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "mutants.md"));
        var rows = doc.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).Where(c => c.Length == 8)
            .Select(c => (Name: c[1].Trim('`'), Kind: c[2], Area: c[3], Race: c[4], CaughtBy: c[5])).ToList();
        var expected = MutantCatalog.All.Select(m => (m.Name, m.Kind.ToString().ToLowerInvariant(), m.Area, m.Race ? "yes" : "no", m.Detector));
        Assert.Equal(expected, rows);
    }

    private static (int Rc, string Output) DryRun(string patch)
    {
        var result = ChildProcess.RunAsync("patch", ["-d", Root, "-p1", "--dry-run", "--batch", "--fuzz=0", "--forward"],
            TimeSpan.FromMinutes(1), io: new ChildIo(Stdin: File.ReadAllText(patch))).GetAwaiter().GetResult();
        return (result.ExitCode, result.Stdout + result.Stderr);
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

    [Theory]
    [InlineData("mmu-spf-rcu")]
    [InlineData("mmu-pvl")]
    [InlineData("mmu-vmrefcnt")]
    public void Each_successor_design_has_three_native_protocol_mutants(string config)
    {
        var mine = MutantCatalog.All.Where(m => m.Native && m.Kind == MutantKind.Protocol && m.Config == config).Select(m => m.Name).ToList();
        Assert.True(mine.Count >= 3, $"{config}: {mine.Count} native protocol mutants ({string.Join(", ", mine)})");
    }

    [Fact]
    public void The_pct_detector_runs_a_mutant_on_the_scenarios_that_also_run_on_its_design()
    {
        // mmu-spf-rcu has no scenario of its own: the spf-* scenarios run on it
        var mutant = MutantCatalog.Find("managed-spf-rcu-unlock-before-use");
        var report = new MutantDetectors(mutant, Root).Pct(schedules: 1000, seed: 1, depth: 3);
        Assert.True(report.Found, $"PCT did not find {mutant.Name} in 1000 schedules per scenario");
        Assert.Equal("spf-vs-munmap", report.Scenario);
    }

    [Fact]
    public void The_pct_detector_finds_the_v9_fallback_that_keeps_its_vma_reference()
    {
        // mmu-spf-v9 has no scenario of its own: the spf-* scenarios run on it; a fault that
        // aborts into a munmap hands over a VMA whose reference is never dropped: a leak. The
        // real CLI in a process of its own: this one may hold the unpatched library already.
        var mutant = MutantCatalog.Find("spf-v9-reuse-no-put");
        ModelPatchBuild.Build(Root, [mutant.Patch(Root)], mutant.Directory(Root), [mutant.Config], "release");
        var (rc, stdout, stderr) = CliProcess.Run("pct", "--mutant", mutant.Name, "--scenario", "spf-vs-munmap", "--schedules", "1000");
        Assert.True(rc == 1, $"exit {rc}: {stdout}\n{stderr}");
        Assert.Contains("spf-vs-munmap (native, mmu-spf-v9, pct): FAILS", stdout, StringComparison.Ordinal);
        Assert.Contains("leaked", stdout, StringComparison.Ordinal);
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
