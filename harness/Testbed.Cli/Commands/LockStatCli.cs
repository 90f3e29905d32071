// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Kernel;
using Testbed.Harness.Scheduling;
using Testbed.Harness.Seeded;

namespace Testbed.Cli.Commands;

/// <summary>
/// `testbed kernel --lock-stats`: boots the kernel <c>runs</c> times with the same batch (each
/// boot compared with the model as usual, and each must report 6.12's vma_lock_* counters),
/// runs every race step of the batch on the mmu-pvl model under <c>model runs</c> seeded
/// schedules (<see cref="LockStatRace"/>), and compares the two sides' bands per counter
/// (<see cref="LockStatComparison"/>).
/// </summary>
internal static class LockStatCli
{
    /// <summary>The model config whose faults are counted: 6.4's per-VMA locks.</summary>
    public const string ModelConfig = "mmu-pvl";

    /// <summary>Runs the comparison; returns the exit code.</summary>
    public static async Task<int> RunAsync(SequenceOptions sequences, KernelTarget target, QemuOptions qemu,
        Func<string, MmFlags, IAddressSpace> backendFactory, AddressSpaceFactory factory, string backend, string replayPrefix,
        int runs, int modelRuns, CancellationToken ct)
    {
        var kernel = new List<VmaLockCounts>();
        var clean = true;
        for (var boot = 1; boot <= runs; boot++)
        {
            var check = await KernelCheck.RunAsync(sequences, target, qemu, backendFactory, KernelCommand.Config, null, replayPrefix, ct);
            var r = check.Report;
            Console.WriteLine($"kernel run {boot}/{runs}: {r.KernelRelease}, boot {r.BootTime.TotalSeconds:F2} s, " +
                $"{r.GuestSequencesPerSecond:F1} sequences/s, {(r.Passed ? "every step matches the model" : "MISMATCH")}; " +
                $"vma_lock: {r.VmaLock?.ToString() ?? "none"}");
            if (!r.Passed)
            {
                Console.Write(r.ToTable());
                clean = false;
            }

            if (r.VmaLock is null)
            {
                Console.Error.WriteLine("kernel: the kernel reports no vma_lock_* counters (no CONFIG_PER_VMA_LOCK_STATS, or no race step): " +
                    "testbed kernel --build --source 6.12 builds one that has them");
                return ExitCodes.Failed;
            }

            kernel.Add(r.VmaLock);
            var races = check.Run.Report.Sequences.SelectMany(seq => seq.Steps).Select(st => st.Race).OfType<RaceCounts>().ToList();
            Console.WriteLine($"  race touches: {races.Sum(x => (decimal)x.Touches)}, ending in SIGSEGV: " +
                $"{races.Sum(x => (decimal)(x.MapErr + x.AccErr))} ({races.Sum(x => (decimal)x.MapErr)} SEGV_MAPERR)");
        }

        var raceSteps = GuestRace.Of(new SequenceGenerator(sequences).Generate());
        var model = new List<ModelVmaLockCounts>();
        var sw = Stopwatch.StartNew();
        for (var run = 0; run < modelRuns; run++)
        {
            ModelVmaLockCounts? sum = null;
            for (var i = 0; i < raceSteps.Count; i++)
            {
                var race = raceSteps[i];
                var stats = LockStatRace.Run(factory, backend, ModelConfig, race.Setup(),
                    [.. Enumerable.Range(0, race.Threads).Select(race.Touches)], race.MainOps(), ScheduleSeed(sequences.Seed, run, i));
                var counts = ModelVmaLockCounts.FromStats(stats);
                sum = sum is null ? counts : sum.Add(counts);
            }

            Console.WriteLine($"model run {run + 1}/{modelRuns} ({backend} {ModelConfig}, {raceSteps.Count} race steps): {sum}");
            if (sum is not null)
                model.Add(sum);
        }

        Console.WriteLine($"model: {sw.Elapsed.TotalSeconds:F1} s for {modelRuns} run(s)");
        var comparison = LockStatComparison.Compare(kernel, model);
        Console.Write(comparison.ToTable());
        Console.WriteLine(comparison.Passed && clean
            ? "PASS: every step matched, and every counter's bands overlap"
            : "FAIL: " + (clean ? "" : "a step differed; ") + (comparison.Passed ? "" : "a counter's bands do not overlap (docs/kernel-hooks.md explains the known ones)"));
        return comparison.Passed && clean ? ExitCodes.Clean : ExitCodes.Findings;
    }

    /// <summary>The schedule seed of race step <paramref name="race"/> in model run <paramref name="run"/>: the batch seed, the run and the step.</summary>
    public static ulong ScheduleSeed(ulong seed, int run, int race) =>
        SplitMix64.Mix(seed ^ SplitMix64.Mix(((ulong)run << 32) | (uint)race));
}
