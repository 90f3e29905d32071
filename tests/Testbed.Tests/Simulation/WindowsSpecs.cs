// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// How a simulated point samples the iteration (<see cref="Windows"/>): every phase of the
/// iteration is held by its share of the windows within one, the strata start at the munmap (so
/// page_fault1's one munmap at 192 CPUs begins its window), the seed deals the strata to the CPUs
/// as a permutation, the same for a seed. Counts of operations only.
/// </summary>
public sealed class WindowsSpecs
{
    private static readonly ulong[] Seeds = [1, 2, 3, 7, 1234567];

    [Theory]
    [InlineData(BenchWorkload.PageFault1, 192, 32768)]
    [InlineData(BenchWorkload.PageFault1, 192, 131072)]
    [InlineData(BenchWorkload.PageFault2, 192, 32768)]
    [InlineData(BenchWorkload.Malloc1, 192, 32768)]
    [InlineData(BenchWorkload.Ebizzy, 80, 32768)]
    [InlineData(BenchWorkload.Ebizzy, 16, 2048)]
    [InlineData(BenchWorkload.SingleVma, 16, 2048)]
    public void Every_phase_is_held_by_its_share_of_the_windows_within_one(BenchWorkload workload, int threads, int budget)
    {
        var iteration = BenchPlan.OpsPerIteration(workload);
        var perThread = Windows.PerThreadOf(workload, threads, budget);
        var share = (double)threads * perThread / iteration;
        foreach (var seed in Seeds)
        {
            var held = Held(Windows.OffsetsOf(workload, seed, threads), perThread, iteration);
            Assert.All(Enumerable.Range(0, iteration), phase =>
                Assert.True(Math.Abs(held[phase] - share) <= 1, $"seed {seed}: phase {phase} in {held[phase]} windows, its share {share:0.###}"));
        }
    }

    [Fact]
    public void Page_fault1s_munmap_at_192_cpus_starts_the_one_window_that_holds_it()
    {
        const BenchWorkload workload = BenchWorkload.PageFault1;
        var iteration = BenchPlan.OpsPerIteration(workload);
        var munmap = iteration - 1;
        var perThread = Windows.PerThreadOf(workload, 192, 32768);
        foreach (var seed in Seeds)
        {
            var offsets = Windows.OffsetsOf(workload, seed, 192);
            var holding = offsets.Where(o => Holds(o, perThread, iteration, munmap)).ToArray();
            Assert.Equal([munmap], holding);
        }
    }

    [Fact]
    public void With_four_iterations_four_windows_hold_the_munmap_a_stratum_apart()
    {
        const BenchWorkload workload = BenchWorkload.PageFault1;
        var iteration = BenchPlan.OpsPerIteration(workload);
        var perThread = Windows.PerThreadOf(workload, 192, 131072);
        var at = Windows.OffsetsOf(workload, 1, 192)
            .Where(o => Holds(o, perThread, iteration, iteration - 1))
            .Select(o => ((iteration - 1 - o) % iteration + iteration) % iteration)
            .Order().ToArray();

        // At 0 and about L / N, 2 L / N and 3 L / N operations into their windows (L / N = 170.7).
        Assert.Equal([0, 171, 342, 513], at);
    }

    [Fact]
    public void The_seed_deals_the_strata_as_a_permutation_the_same_for_a_seed()
    {
        foreach (var n in new[] { 1, 2, 16, 192 })
        {
            Assert.All(Seeds, seed => Assert.Equal(Enumerable.Range(0, n), Windows.StrataOf(seed, n).Order()));
            Assert.Equal(Windows.StrataOf(7, n), Windows.StrataOf(7, n));
        }
        Assert.NotEqual(Windows.StrataOf(1, 192), Windows.StrataOf(2, 192));
        // pft has no iteration to be at a phase of.
        Assert.All(Windows.OffsetsOf(BenchWorkload.Pft, 3, 8), o => Assert.Equal(0, o));
    }

    [Fact]
    public void A_stratum_outside_the_strata_or_an_empty_deal_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.StartOf(3, 3, 130));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.StartOf(-1, 3, 130));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.StartOf(0, 0, 130));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.StrataOf(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.PerThreadOf(BenchWorkload.Ebizzy, 4, 0));
    }

    [Fact]
    public void A_stratum_that_starts_at_the_munmap_runs_it_first_in_the_prepared_stream()
    {
        const int threads = 4;
        const ulong seed = 5;
        using var space = new ManagedAddressSpace("mmu");
        var windows = Windows.Prepare(space, BenchWorkload.Ebizzy, seed, threads, 512);
        var strata = Windows.StrataOf(seed, threads);
        var first = Array.IndexOf(strata, 0);

        Assert.Equal(OpKind.Munmap, windows.Of(first)[0].Kind);
        Assert.All(Enumerable.Range(0, threads).Where(t => t != first), t => Assert.NotEqual(OpKind.Munmap, windows.Of(t)[0].Kind));
        Assert.Equal(Windows.OffsetsOf(BenchWorkload.Ebizzy, seed, threads), windows.Offsets);
    }

    // How many windows hold each phase of the iteration (a window of several iterations holds a phase several times).
    private static int[] Held(int[] offsets, int perThread, int iteration)
    {
        var held = new int[iteration];
        foreach (var o in offsets)
        {
            for (var i = 0; i < perThread; i++)
                held[(o + i) % iteration]++;
        }
        return held;
    }

    private static bool Holds(int offset, int perThread, int iteration, int phase) =>
        (((phase - offset) % iteration) + iteration) % iteration < perThread;
}
