// SPDX-License-Identifier: GPL-2.0-only
using System.Text.Json;
using System.Text.RegularExpressions;
using Testbed.Harness.Kernel;
using Testbed.Harness.Mutants;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Cli;

/// <summary>
/// <c>--model-patch</c>: the real CLI builds a patched copy of the model's libraries and runs on
/// it. A catalog mutant's patch reports the finding <c>testbed mutants</c> reports for it, a
/// comment change runs clean, and a patch that does not apply is a usage error naming the file
/// and the hunk. The patches other than the catalog's are made here from the current sources,
/// so they apply (or, on purpose, do not) whatever the sources become.
/// </summary>
public sealed partial class ModelPatchSpecs : IDisposable
{
    private static readonly string Root = RepoPaths.Root();
    private readonly string _folder = Directory.CreateTempSubdirectory("model-patch-").FullName;

    [Fact]
    public void A_catalog_mutants_patch_given_to_compare_reports_the_finding_testbed_mutants_reports()
    {
        var mutant = MutantCatalog.Find("merge-ignore-write");
        ModelPatchBuild.Build(Root, [mutant.Patch(Root)], mutant.Directory(Root), [mutant.Config], "release");
        var (rc, stdout, stderr) = CliProcess.Run("mutants", "--mutant", mutant.Name, "--run-detector", "differential", "--quick");
        Assert.True(rc == 0, stderr);
        var report = JsonSerializer.Deserialize<DetectorReport>(stdout.Split('\n').Last(l => l.StartsWith('{')))!;
        Assert.True(report.Found, $"testbed mutants' differential did not catch {mutant.Name}: {stdout}");
        var finding = Finding().Match(report.Problems[0]);
        Assert.True(finding.Success, report.Problems[0]);
        var (mix, seed) = (report.Scenario!.Split(' ')[0], report.Scenario.Split(' ')[^1]);

        var (code, output, errors) = Compare(mutant.Patch(Root), seed, mix, "1000");

        Assert.True(code == 1, $"exit {code}: {output}\n{errors}");
        Assert.Contains($"DIVERGE at operation #{finding.Groups[1].Value} ({finding.Groups[2].Value})", output, StringComparison.Ordinal);
        Assert.Contains($"operation: {finding.Groups[3].Value}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_comment_change_runs_clean()
    {
        var patch = Diff("native/mm/mmap.c", "Written for the testbed from the 4.16 algorithms", "Written for the testbed (a comment changed by ModelPatchSpecs)");

        var (code, output, errors) = Compare(patch, "1", "mixed", "500");

        Assert.True(code == 0, $"exit {code}: {output}\n{errors}");
        Assert.Contains("model patched with", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_patch_that_does_not_apply_is_a_usage_error_naming_the_file_and_hunk()
    {
        var patch = Path.Combine(_folder, "stale.patch");
        File.WriteAllText(patch, File.ReadAllText(MutantCatalog.Find("get-vma-unlocked").Patch(Root))
            .Replace("read_lock(&mm->mm_rb_lock);", "read_lock(&mm->no_such_lock);", StringComparison.Ordinal));

        var (code, output, errors) = Compare(patch, "1", "mixed", "100");

        Assert.True(code == 2, $"exit {code}: {output}\n{errors}");
        Assert.Contains($"patch {patch} does not apply: native/mm/mmap.c: Hunk #1 FAILED at", errors, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, string Stdout, string Stderr) Compare(string patch, string seed, string mix, string ops) =>
        CliProcess.Run("compare", "--sequential-only", "--seed", seed, "--config", "mmu-spf", "--mix", mix,
            "--sequential-ops", ops, "--model-patch", patch, "--out", Path.Combine(_folder, "out"));

    /// <summary>A patch (as <c>git diff</c> writes it) that replaces <paramref name="from"/> with <paramref name="to"/> in <paramref name="file"/>.</summary>
    private string Diff(string file, string from, string to)
    {
        var text = File.ReadAllText(Path.Combine(Root, file));
        Assert.Contains(from, text, StringComparison.Ordinal);
        var changed = Path.Combine(_folder, "changed.c");
        File.WriteAllText(changed, text.Replace(from, to, StringComparison.Ordinal));
        var result = ChildProcess.Run("diff", ["-u", "--label", "a/" + file, "--label", "b/" + file, Path.Combine(Root, file), changed],
            TimeSpan.FromMinutes(1));
        var diff = result.Stdout;
        Assert.Equal(1, result.ExitCode);
        var patch = Path.Combine(_folder, "comment.patch");
        File.WriteAllText(patch, diff);
        return patch;
    }

    [GeneratedRegex(@"^diverges at #(\d+) \((\w+)\): (.*)$")]
    private static partial Regex Finding();
}
