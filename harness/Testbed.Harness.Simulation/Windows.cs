// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Bench;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Simulation;

/// <summary>
/// What each virtual CPU runs: a window of its bench stream in the steady state. A workload
/// iterates (page-fault1: mmap, 32,768 faults, munmap), and N threads of a long run are
/// at independent phases of their iterations; so thread t's window is centred on phase
/// t * L / N + u * max(1, L / N) of the iteration of L operations (stratified: the phases L / N
/// apart, all moved by u strata, or by u operations when L &lt; N), where u in [0, 1) is the seed's (<see cref="PhaseOf"/>): the workloads' streams
/// do not depend on the seed, so the seed picks which alignment of the steady state the run
/// samples (pft has no iteration to be at a phase of: its windows all start at 0). Each window runs <see cref="PerThread"/> operations, and its prefix (the mmap and the faults before the
/// phase) runs untimed before the simulation starts. Every thread runs the same number of
/// operations, the whole set at least one iteration's worth. Each thread's
/// <see cref="StreamCursor"/> carries the mapping its prefix's mmap returned into its window.
/// </summary>
internal sealed class Windows
{
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
    /// least one iteration's worth.
    /// <paramref name="phase"/> is the windows' common offset u, in [0, 1).
    /// </summary>
    public static Windows Prepare(IAddressSpace space, BenchWorkload workload, ulong seed, double phase, int threads, int budget, int mmThreads = 0)
    {
        if (phase is not (>= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(phase), phase, "a phase is in [0, 1)");
        var iteration = BenchPlan.OpsPerIteration(workload);
        var perThread = Math.Max((budget + threads - 1) / threads, (iteration + threads - 1) / threads);
        var offsets = new int[threads];
        if (workload != BenchWorkload.Pft)
        {
            // Each window is centred on its thread's phase, so an operation that comes once an
            // iteration (page-fault1's munmap) falls inside some window, not at its end, after
            // the steady state is over.
            // The phase moves every window by u strata, or by u operations where a stratum is
            // less than one (malloc1's 3 operations over 192 CPUs), so that every seed's shift
            // can move some window.
            var shift = phase * Math.Max(1.0, (double)iteration / threads);
            for (var t = 0; t < threads; t++)
                offsets[t] = (int)((((long)Math.Floor((double)t * iteration / threads + shift) - perThread / 2) % iteration + iteration) % iteration);
        }
        var need = offsets.Max() + perThread;
        // BenchPlan cuts whole iterations: ask for enough of them (pft: its region is sized by this).
        var ops = workload == BenchWorkload.Pft ? need : iteration * ((need + iteration - 1) / iteration);
        var plan = BenchPlan.Prepare(space, workload, seed, threads, ops);
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

    /// <summary>The seed's phase u in [0, 1): the top 53 bits of SplitMix64's hash of it.</summary>
    public static double PhaseOf(ulong seed) => (SplitMix64.Mix(seed) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Thread <paramref name="thread"/>'s window.</summary>
    public ReadOnlySpan<BenchOp> Of(int thread) => Plan.Streams[thread].AsSpan(Offsets[thread], PerThread);

    /// <summary>Thread <paramref name="thread"/>'s cursor, past its prefix: the window's operations resolve through it.</summary>
    public StreamCursor Cursor(int thread) => cursors[thread];
}
