// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// Where the simulation's threads run: a benchmark that pins its threads (will-it-scale: task i
/// on core i mod cores) keeps its order whatever the seed; one that leaves them to the scheduler
/// (ebizzy, pft, the testbed's single-vma) has them dealt over the same CPUs by a permutation
/// the seed draws — the same seed, the same placement.
/// </summary>
public sealed class ThreadPlacementSpecs
{
    private static readonly Topology IceLake = Machines.IceLake2x128.Topology;

    [Fact]
    public void Each_workload_says_whether_its_benchmark_pins_its_threads_and_where_that_was_read()
    {
        Assert.All(BenchWorkloads.All, w => Assert.False(string.IsNullOrWhiteSpace(ThreadPlacement.Of(w).Source)));
        Assert.All([BenchWorkload.PageFault1, BenchWorkload.PageFault2, BenchWorkload.PageFault3, BenchWorkload.Malloc1],
            w => Assert.True(ThreadPlacement.Of(w).Pinned, w.Name()));
        Assert.All([BenchWorkload.Ebizzy, BenchWorkload.Pft, BenchWorkload.SingleVma],
            w => Assert.False(ThreadPlacement.Of(w).Pinned, w.Name()));
        Assert.Contains("will-it-scale", ThreadPlacement.Of(BenchWorkload.Malloc1).Source, StringComparison.Ordinal);
        Assert.Contains("-a", ThreadPlacement.Of(BenchWorkload.Pft).Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(128)]
    public void An_unpinned_placement_is_a_permutation_of_the_cpus_idle_cores_fill_first(int threads)
    {
        var pft = ThreadPlacement.Of(BenchWorkload.Pft);

        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var cpus = pft.CpusOf(IceLake, threads, seed);

            // x86 numbering: CPUs 0 .. N - 1 are N distinct cores while N <= 64 (48: 32 of socket 0, 16 of socket 1).
            Assert.Equal(Enumerable.Range(0, threads), cpus.Order());
            Assert.NotEqual(Enumerable.Range(0, threads), cpus);
        }
    }

    [Fact]
    public void An_unpinned_placement_depends_on_the_seed_and_the_same_seed_gives_the_same_one()
    {
        var ebizzy = ThreadPlacement.Of(BenchWorkload.Ebizzy);
        var p8 = Machines.Power8x80.Topology;

        Assert.Equal(ebizzy.CpusOf(p8, 80, 1), ebizzy.CpusOf(p8, 80, 1));
        Assert.NotEqual(ebizzy.CpusOf(p8, 80, 1), ebizzy.CpusOf(p8, 80, 2));
        Assert.NotEqual(ebizzy.CpusOf(IceLake, 128, 2), ebizzy.CpusOf(IceLake, 128, 3));
        // One thread has one place.
        Assert.Equal([0], ebizzy.CpusOf(IceLake, 1, 5));
    }

    [Fact]
    public void A_pinned_placement_keeps_the_benchmarks_order_whatever_the_seed()
    {
        var wis = ThreadPlacement.Of(BenchWorkload.PageFault1);
        var skl = Machines.SkylakeSp4x192.Topology;

        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            // x86 numbering: core i mod 96 thread i / 96 is CPU i.
            Assert.Equal(Enumerable.Range(0, 192), wis.CpusOf(skl, 192, seed));
            Assert.Equal(Enumerable.Range(0, 48), wis.CpusOf(IceLake, 48, seed));
        }

        // POWER numbering (a core's 8 threads consecutive): the first thread of each of the 10
        // cores, then each core's second.
        var p8 = wis.CpusOf(Machines.Power8x80.Topology, 12, 9);
        Assert.Equal([0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 1, 9], p8);
    }

    [Fact]
    public void Unpinned_threads_on_powers_numbering_fill_every_core_before_a_second_thread()
    {
        var p8 = Machines.Power8x80.Topology;

        var cpus = ThreadPlacement.Of(BenchWorkload.Ebizzy).CpusOf(p8, 10, 4);

        Assert.Equal(10, cpus.Select(p8.CoreOf).Distinct().Count());
        Assert.All(cpus, c => Assert.Equal(0, p8.ThreadOf(c)));
    }

    [Fact]
    public void The_engine_runs_each_thread_on_the_cpu_its_placement_names_and_refuses_two_on_one()
    {
        var twoByTwo = new Machine("test", 4, 2, 50, 120, "test values");

        var time = new VirtualTime(twoByTwo, 3, [100], cpus: [3, 0, 2]);
        Assert.Equal((3, 0, 2), (time.CpuOf(0), time.CpuOf(1), time.CpuOf(2)));
        Assert.Equal(1, new VirtualTime(twoByTwo, 2, [100]).CpuOf(1));

        Assert.Throws<ArgumentException>(() => new VirtualTime(twoByTwo, 2, [100], cpus: [1, 1]));
        Assert.Throws<ArgumentException>(() => new VirtualTime(twoByTwo, 2, [100], cpus: [0, 4]));
        Assert.Throws<ArgumentException>(() => new VirtualTime(twoByTwo, 2, [100], cpus: [0]));
    }

    [Fact]
    public void A_cpu_is_named_by_its_core_and_hardware_thread_in_the_oss_numbering()
    {
        Assert.Equal(67, IceLake.CpuOf(3, 1));
        Assert.Equal((3, 1), (IceLake.CoreOf(67), IceLake.ThreadOf(67)));
        var p8 = Machines.Power8x80.Topology;
        Assert.Equal(19, p8.CpuOf(2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => p8.CpuOf(10, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => p8.CpuOf(0, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadPlacement.CoresFirst(p8, 81));
    }
}
