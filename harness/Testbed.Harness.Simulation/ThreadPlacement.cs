// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Bench;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Simulation;

/// <summary>
/// Where a benchmark's threads run, as the benchmark itself arranges it (<see cref="Source"/>
/// says where that was read): <see cref="Pinned"/> — the benchmark binds task i to a CPU in its
/// own order, which the simulation keeps — or left to the scheduler, whose placement is not a
/// function of the thread's index: the run's seed deals the threads to the CPUs
/// (<see cref="CpusOf"/>), so <c>--seeds K</c> samples placements as it samples strata. A
/// property of the workload, not a knob.
/// </summary>
public sealed record ThreadPlacement(bool Pinned, string Source)
{
    // The SplitMix64 stream of a seed that deals unpinned threads to CPUs (the strata and the
    // bench streams draw on their own).
    private const ulong PlacementStream = 0x504C414345; // "PLACE"

    private static readonly ThreadPlacement WillItScale = new(true,
        "will-it-scale main.c (antonblanchard/will-it-scale): before creating task i it binds to hwloc's HWLOC_OBJ_CORE " +
        "object of logical index i % n, n the cores (HWLOC_OBJ_PU with -m), and the task inherits that core's cpuset: task i on " +
        "core i mod cores, a second task of a core once every core has one; LKP's runs pass no -m");

    private static readonly ThreadPlacement Ebizzy = new(false,
        "ebizzy.c start_threads(): pthread_create(&thread_array[i], NULL, thread_run, NULL), no affinity call anywhere " +
        "(read in pratiksampat/sleeping-ebizzy, a fork of ebizzy 0.3 that adds only its sleep options): the scheduler places the threads");

    private static readonly ThreadPlacement Pft = new(false,
        "pft.c binds a worker (bind_to_cpu: sched_setaffinity) only with -a; mmtests' pft-bench (gormanm/mmtests shellpack_src/src/pft) " +
        "runs ./pft -m $PFT_MAPPING_SIZE -t $CLIENT without it: the scheduler places the threads");

    private static readonly ThreadPlacement Testbed = new(false,
        "the testbed's own workload (no published benchmark: anchor 14 is a review's argument); its bench starts plain threads, " +
        "no affinity: the scheduler places them");

    /// <summary>How <paramref name="workload"/>'s benchmark places its threads.</summary>
    public static ThreadPlacement Of(BenchWorkload workload) => workload switch
    {
        BenchWorkload.PageFault1 or BenchWorkload.PageFault2 or BenchWorkload.PageFault3 or BenchWorkload.Malloc1 => WillItScale,
        BenchWorkload.Ebizzy => Ebizzy,
        BenchWorkload.Pft => Pft,
        BenchWorkload.SingleVma => Testbed,
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "no placement known"),
    };

    /// <summary>
    /// The CPU each of <paramref name="threads"/> threads runs on. Pinned: the benchmark's order,
    /// <see cref="CoresFirst"/>. Unpinned: the same CPUs — a scheduler with N runnable threads
    /// puts them on idle cores before a busy core's sibling — dealt to the threads by a
    /// permutation drawn from <paramref name="seed"/> (Fisher-Yates on SplitMix64): thread i on
    /// CPU perm(i), the same seed the same placement.
    /// </summary>
    public int[] CpusOf(Topology topology, int threads, ulong seed)
    {
        var cpus = CoresFirst(topology, threads);
        if (Pinned)
            return cpus;
        var rng = SplitMix64.Derive(seed, PlacementStream);
        for (var i = threads - 1; i > 0; i--)
        {
            var k = rng.Below(i + 1);
            (cpus[i], cpus[k]) = (cpus[k], cpus[i]);
        }
        return cpus;
    }

    /// <summary>
    /// Task i on core i mod cores, its hardware thread i / cores (will-it-scale's order): on
    /// x86's numbering CPU i, on POWER's the first thread of every core before any second.
    /// </summary>
    public static int[] CoresFirst(Topology topology, int threads)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        if (threads > topology.Cpus)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"{threads} threads on {topology.Cpus} CPUs");
        return [.. Enumerable.Range(0, threads).Select(i => topology.CpuOf(i % topology.Cores, i / topology.Cores))];
    }
}
