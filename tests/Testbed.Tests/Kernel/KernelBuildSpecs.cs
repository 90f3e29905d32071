// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Scheduling;
using Testbed.Tests.Interleaving;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.Kernel;

/// <summary>
/// `testbed kernel --build`: a kernel built here from Debian's linux-source-6.1 (and 6.12) matches
/// the model as Debian's does, and each deliberately broken kernel under tests/kernel-patches/ is reported
/// at the operation it breaks. Opt-in (a kernel build takes minutes): category KernelBuild, run by
/// `./scripts/build-and-test.sh --kernel-build`, left out of the default run.
/// </summary>
[Trait("Category", "KernelBuild")]
[Collection(InterleavingCollection.Name)]
public sealed class KernelBuildSpecs(ITestOutputHelper output)
{
    private static readonly SequenceOptions Batch = new SequenceOptions().WithSeed(1).WithSequences(200).WithOpsPerSequence(20);
    private static readonly QemuOptions Qemu = new QemuOptions().WithTimeout(TimeSpan.FromSeconds(240));

    /// <summary>The mutant patches, each a small mm change a reviewer would call a bug.</summary>
    public static TheoryData<string> Mutants()
    {
        var data = new TheoryData<string>();
        foreach (var p in Directory.GetFiles(PatchDir(), "*.patch").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(p));
        return data;
    }

    [Fact]
    public async Task The_unpatched_self_built_kernel_matches_the_model_and_ends_QEMU()
    {
        var image = await KernelBuilder.BuildAsync([], output.WriteLine);
        var (report, run, _, _) = await KernelCheck.RunAsync(Batch, KernelTarget.Qemu, Qemu.WithKernel(image.Path), ModelBackend.Managed());

        output.WriteLine(report.ToTable());
        Assert.True(run.Report.Finished, run.ConsoleLog);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("6.1.", report.KernelRelease);
        Assert.Equal(200, report.Sequences);
        Assert.True(report.RaceTouches > 0, "the batch had no race step");
        Assert.True(report.Passed, report.ToTable());
    }

    /// <summary>
    /// linux-source-6.12 built with scripts/kernel/testbed-6.12.config: it matches the model with
    /// 6.12's rules, and its /proc/vmstat counts the per-VMA locks, which the race steps drive
    /// (faults under the VMA lock, and aborts to mmap_lock at pages another thread unmapped or is
    /// changing). The same race steps on the mmu-pvl model (a few seeded schedules) give counts
    /// of their own, and the comparison names a band per counter (docs/kernel-hooks.md explains
    /// where the two differ; the test holds the comparison's shape, not a verdict on timing).
    /// </summary>
    [Fact]
    public async Task The_self_built_6_12_matches_the_model_and_counts_its_per_vma_locks()
    {
        var image = await KernelBuilder.BuildAsync([], output.WriteLine, "6.12");
        var (report, run, _, _) = await KernelCheck.RunAsync(Batch, KernelTarget.Qemu, Qemu.WithKernel(image.Path), ModelBackend.Managed());

        output.WriteLine(report.ToTable());
        Assert.True(run.Report.Finished, run.ConsoleLog);
        Assert.StartsWith("6.12.", report.KernelRelease);
        Assert.True(report.Passed, report.ToTable());
        var locks = report.VmaLock;
        Assert.NotNull(locks);
        Assert.True(locks.RaceSteps > 0 && locks.Success > 0 && locks.Abort > 0, locks.ToString());

        var races = GuestRace.Of(new SequenceGenerator(Batch).Generate());
        Assert.Equal(locks.RaceSteps, races.Count);
        var model = Enumerable.Range(0, 3).Select(r => races
            .Select((race, i) => ModelVmaLockCounts.FromStats(LockStatRace.Run(AddressSpaceFactory.Default, AddressSpaceFactory.Native,
                "mmu-pvl", race.Setup(), [.. Enumerable.Range(0, race.Threads).Select(race.Touches)], race.MainOps(), (ulong)((r * 1000) + i))))
            .Aggregate((a, b) => a.Add(b))).ToList();
        var comparison = LockStatComparison.Compare([locks], model);
        output.WriteLine(comparison.ToTable());
        Assert.Equal(LockStatComparison.Counters, comparison.Rows.Select(row => row.Counter));
        Assert.All(model, m => Assert.True(m.Faults > 0 && m.Abort > 0, m.ToString()));
    }

    [Fact]
    public async Task A_second_build_with_the_same_inputs_builds_nothing()
    {
        var first = await KernelBuilder.BuildAsync([], output.WriteLine);
        var second = await KernelBuilder.BuildAsync([], output.WriteLine);

        Assert.True(second.Cached);
        Assert.Equal(first.Path, second.Path);
        Assert.True(File.Exists(second.Path));
    }

    [Fact]
    public async Task The_cache_key_follows_the_patches_contents_and_order()
    {
        var a = Path.Combine(PatchDir(), "0001-anon-vma-merge-ignores-anon-vma.patch");
        var b = Path.Combine(PatchDir(), "0002-vma-merge-ignores-file-pgoff.patch");
        var copy = Path.Combine(Directory.CreateTempSubdirectory("testbed-patch-").FullName, "renamed.patch");
        File.Copy(a, copy);

        var none = await KernelBuilder.KeyAsync([]);
        Assert.Equal(none, await KernelBuilder.KeyAsync([]));
        Assert.Equal(await KernelBuilder.KeyAsync([a]), await KernelBuilder.KeyAsync([copy]));
        Assert.NotEqual(none, await KernelBuilder.KeyAsync([a]));
        Assert.NotEqual(await KernelBuilder.KeyAsync([a, b]), await KernelBuilder.KeyAsync([b, a]));
        Assert.NotEqual(none, await KernelBuilder.KeyAsync([], "6.12"));

        await File.AppendAllTextAsync(copy, "\n");
        Assert.NotEqual(await KernelBuilder.KeyAsync([a]), await KernelBuilder.KeyAsync([copy]));
    }

    [Fact]
    public async Task A_patch_that_does_not_apply_names_its_hunk_and_leaves_the_tree_pristine()
    {
        var good = Path.Combine(PatchDir(), "0002-vma-merge-ignores-file-pgoff.patch");
        var text = await File.ReadAllTextAsync(Path.Combine(PatchDir(), "0001-anon-vma-merge-ignores-anon-vma.patch"));
        var bad = Path.Combine(Directory.CreateTempSubdirectory("testbed-patch-").FullName, "stale.patch");
        await File.WriteAllTextAsync(bad, text.Replace(" parents. This can improve", " parents. This could improve", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<KernelBuildException>(() => KernelBuilder.BuildAsync([good, bad], output.WriteLine));

        output.WriteLine(e.Message);
        Assert.Contains("stale.patch does not apply", e.Message);
        Assert.Contains("mm/mmap.c: Hunk #1 FAILED", e.Message);
        // the first patch, which applied, was reverted
        var mmap = Directory.GetFiles(Path.Combine(Root(), "build", "kernel"), "mmap.c", SearchOption.AllDirectories)
            .Single(f => f.EndsWith(Path.Combine("linux-source-6.1", "mm", "mmap.c"), StringComparison.Ordinal));
        Assert.Contains("if (vma->vm_pgoff + vm_pglen == vm_pgoff)", await File.ReadAllTextAsync(mmap));
    }

    [Theory]
    [MemberData(nameof(Mutants))]
    public async Task A_mutant_kernel_is_reported_at_the_operation_it_breaks_and_the_replay_repeats_it(string patch)
    {
        var image = await KernelBuilder.BuildAsync([Path.Combine(PatchDir(), patch)], output.WriteLine);
        var qemu = Qemu.WithKernel(image.Path);
        var (report, run, _, _) = await KernelCheck.RunAsync(Batch, KernelTarget.Qemu, qemu, ModelBackend.Managed());

        output.WriteLine(report.ToTable());
        Assert.True(run.Report.Finished, run.ConsoleLog);
        Assert.Empty(report.Errors);
        Assert.False(report.Passed);
        Assert.True(report.Differences > 0);
        var first = report.Mismatches[0];
        output.WriteLine(first.ToString());
        // both mutants merge what the kernel must keep apart: fewer VMAs than the model
        Assert.Equal("layouts differ", first.Reason);
        Assert.True(first.KernelLayout.Count < first.ModelLayout.Count, first.ToString());
        Assert.EndsWith($"--only {first.SequenceIndex}", first.Replay);

        var (replay, _, _, _) = await KernelCheck.RunAsync(Batch, KernelTarget.Qemu, qemu, ModelBackend.Managed(), indices: [first.SequenceIndex]);
        var again = Assert.Single(replay.Mismatches);
        Assert.Equal((first.SequenceIndex, first.OpIndex, first.Operation), (again.SequenceIndex, again.OpIndex, again.Operation));
        Assert.Equal(first.KernelLayout, again.KernelLayout);
    }

    private static string Root() => RepoPaths.Root();

    private static string PatchDir() => Path.Combine(Root(), "tests", "kernel-patches");
}
