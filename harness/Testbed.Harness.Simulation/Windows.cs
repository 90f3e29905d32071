// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What each virtual CPU runs: a window of its bench stream in the steady state. A workload
/// iterates (page-fault1: mmap, 32,768 faults, munmap), and N threads of a long run are at
/// independent phases of their iterations; so the iteration of L operations is cut into N strata,
/// stratum j starting at operation L - 1 + floor(j L / N) (mod L) (<see cref="StartOf"/>), and
/// each CPU's window starts at the stratum the seed deals it (<see cref="StrataOf"/>: a
/// permutation, since a thread's phase has nothing to do with its CPU's number). A stratum
/// boundary lies at the iteration's last operation, its munmap, so a window that holds a munmap
/// starts with it, at virtual time 0, while every other CPU has its whole window to run: every
/// CPU meets the munmap's write section, as every thread of a steady state does (pft has no
/// iteration to be at a phase of: its windows all start at 0, and a seed changes only where its
/// threads run, <see cref="ThreadPlacement"/>). Each window runs
/// <see cref="PerThread"/> operations, every phase held by N PerThread / L windows, within one;
/// its prefix (the mmap and the faults before the phase) runs untimed before the simulation
/// starts. The whole set is at least one iteration's worth. Each thread's
/// <see cref="StreamCursor"/> carries the mapping its prefix's mmap returned into its window.
/// </summary>
internal sealed class Windows
{
    // The SplitMix64 stream of a seed that deals the strata (the bench streams draw on their own).
    private const ulong StrataStream = 0x5354524154; // "STRAT"

    private readonly StreamCursor[] cursors;

    private Windows(BenchPlan plan, int[] offsets, int perThread, StreamCursor[] cursors)
    {
        Plan = plan;
        Offsets = offsets;
        PerThread = perThread;
        this.cursors = cursors;
    }

    /// <summary>The bench plan the windows cut (streams long enough for every window).</summary>
    public BenchPlan Plan { get; }

    /// <summary>Where each thread's window starts in its stream.</summary>
    public IReadOnlyList<int> Offsets { get; }

    /// <summary>Operations per thread in the window.</summary>
    public int PerThread { get; }

    /// <summary>
    /// Prepares <paramref name="space"/> for <paramref name="threads"/> threads of
    /// <paramref name="workload"/> (in an mm of <paramref name="mmThreads"/> threads when that
    /// is more) and cuts the windows: about <paramref name="budget"/> operations in all, at
    /// least one iteration's worth, the strata dealt to the CPUs by <paramref name="seed"/>; on a
    /// machine whose base page is <paramref name="basePages"/> 4 KiB pages
    /// (<see cref="BenchPlan.CheckBasePages"/>: one fault per base page).
    /// </summary>
    public static Windows Prepare(IAddressSpace space, BenchWorkload workload, ulong seed, int threads, int budget, int mmThreads = 0, int basePages = 1)
    {
        var iteration = BenchPlan.OpsPerIteration(workload, basePages);
        var perThread = PerThreadOf(workload, threads, budget, basePages);
        var offsets = OffsetsOf(workload, seed, threads, basePages);
        var need = offsets.Max() + perThread;
        // BenchPlan cuts whole iterations: ask for enough of them (pft: its region is sized by this).
        var ops = workload == BenchWorkload.Pft ? need : iteration * ((need + iteration - 1) / iteration);
        var plan = BenchPlan.Prepare(space, workload, seed, threads, ops, basePages);
        // A profile or calibration thread runs alone in an mm of more threads, so that it takes
        // the path the N-thread runs take (the series speculates only in a multithreaded mm).
        if (mmThreads > threads && space.SetThreads((uint)mmThreads) is var set and < 0)
            throw new InvalidOperationException($"simulate: SetThreads({mmThreads}) returned {set}");
        var cursors = new StreamCursor[threads];
        for (var t = 0; t < threads; t++)
        {
            var stream = plan.Streams[t];
            cursors[t] = new StreamCursor();
            if (stream.Length < offsets[t] + perThread)
                throw new InvalidOperationException($"simulate: thread {t}'s stream has {stream.Length} operations, its window needs {offsets[t] + perThread}");
            for (var i = 0; i < offsets[t]; i++)
            {
                var result = cursors[t].Execute(space, stream[i], out var ran);
                if (result < 0)
                    throw new InvalidOperationException($"simulate: prefix operation {i} of thread {t} ({ran}) returned {result}");
            }
        }
        return new Windows(plan, offsets, perThread, cursors);
    }

    /// <summary>Operations each of <paramref name="threads"/> windows runs: its share of <paramref name="budget"/>, at least of one iteration.</summary>
    public static int PerThreadOf(BenchWorkload workload, int threads, int budget, int basePages = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget);
        var iteration = BenchPlan.OpsPerIteration(workload, basePages);
        return Math.Max((budget + threads - 1) / threads, (iteration + threads - 1) / threads);
    }

    /// <summary>Where each of <paramref name="threads"/> windows starts in its stream: at the stratum <paramref name="seed"/> deals it (pft: 0).</summary>
    public static int[] OffsetsOf(BenchWorkload workload, ulong seed, int threads, int basePages = 1)
    {
        var iteration = BenchPlan.OpsPerIteration(workload, basePages);
        if (workload == BenchWorkload.Pft)
            return new int[threads];
        var strata = StrataOf(seed, threads);
        return [.. strata.Select(j => StartOf(j, threads, iteration))];
    }

    /// <summary>
    /// The operation of an iteration of <paramref name="iteration"/> at which stratum
    /// <paramref name="stratum"/> of <paramref name="strata"/> starts: L - 1 + floor(j L / N)
    /// (mod L), so stratum 0 starts at the last operation (a munmap) and the strata are L / N
    /// apart (several start at one operation where L &lt; N: malloc1's 3 over 192 CPUs).
    /// </summary>
    public static int StartOf(int stratum, int strata, int iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(strata);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iteration);
        if (stratum < 0 || stratum >= strata)
            throw new ArgumentOutOfRangeException(nameof(stratum), stratum, $"a stratum of {strata} is in [0, {strata})");
        return (int)((iteration - 1 + (long)stratum * iteration / strata) % iteration);
    }

    /// <summary>The stratum each of <paramref name="threads"/> CPUs takes: a permutation of 0 .. N - 1 drawn from <paramref name="seed"/> (Fisher-Yates on SplitMix64).</summary>
    public static int[] StrataOf(ulong seed, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        var strata = Enumerable.Range(0, threads).ToArray();
        var rng = SplitMix64.Derive(seed, StrataStream);
        for (var i = threads - 1; i > 0; i--)
        {
            var k = rng.Below(i + 1);
            (strata[i], strata[k]) = (strata[k], strata[i]);
        }
        return strata;
    }

    /// <summary>Thread <paramref name="thread"/>'s window.</summary>
    public ReadOnlySpan<BenchOp> Of(int thread) => Plan.Streams[thread].AsSpan(Offsets[thread], PerThread);

    /// <summary>Thread <paramref name="thread"/>'s cursor, past its prefix: the window's operations resolve through it.</summary>
    public StreamCursor Cursor(int thread) => cursors[thread];
}
