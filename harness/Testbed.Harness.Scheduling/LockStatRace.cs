// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Scheduling;

/// <summary>
/// Runs one threaded race workload (the guest's race step, given as its operations) on a
/// fresh model mm under the controlled scheduler with a seeded random walk, and returns the
/// mm's fault statistics: the model's side of the per-VMA lock statistics comparison.
/// Deterministic for (workload, schedule seed).
/// <para>
/// Touches fault only where the hardware would (a page-table shadow in place of an MMU): a read
/// faults when the page is not present, a write when it is not present and writable. A fault
/// that succeeded makes the page present (a read maps the zero page read-only, a write a page
/// of its own, writable); munmap and mmap(MAP_FIXED) of a page remove it; mprotect to read-only
/// makes it read-only, back to read-write makes an own page writable again (6.12's mprotect
/// does so for an exclusive anonymous page, can_change_pte_writable), not the zero page. The
/// main thread clears the shadow before its call, so the touches during the call fault and meet
/// the call's write lock, as they meet the kernel's zap. Every touch is a scheduling point, so a
/// touch that does not fault is a step too.
/// </para>
/// </summary>
public static class LockStatRace
{
    private const ulong Page = 4096;

    /// <summary>Scheduling decisions a run may take: far above what a 3 x 200 race needs.</summary>
    private const int MaxSteps = 5_000_000;

    /// <summary>
    /// Runs <paramref name="setup"/> alone, then thread i &lt; n touches <paramref name="touchers"/>[i] while
    /// thread n runs <paramref name="main"/>, each decision drawn from <paramref name="scheduleSeed"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setup failed, a thread threw, or control ended early.</exception>
    public static Stats Run(AddressSpaceFactory factory, string backend, string config, IReadOnlyList<Operation> setup,
        IReadOnlyList<IReadOnlyList<(ulong Addr, bool Write)>> touchers, IReadOnlyList<Operation> main, ulong scheduleSeed)
    {
        using var mm = factory.Create(backend, config);
        var rc = mm.SetThreads((uint)touchers.Count + 1);
        if (rc < 0)
            throw new InvalidOperationException($"set_threads: {Errno.Format(rc)}");
        foreach (var op in setup)
        {
            var r = mm.Execute(op);
            if (r < 0)
                throw new InvalidOperationException($"race setup {op}: {Errno.Format(r)}");
        }

        var shadow = new Shadow();
        var bodies = touchers.Select(list => (Action)(() =>
        {
            foreach (var (addr, write) in list)
            {
                ControlledScheduler.OnPoint(SchedPoint.Preempt, null);
                if (shadow.Faults(addr, write))
                    shadow.Faulted(addr, write, mm.Execute(Operation.Fault(addr, write ? FaultFlags.Write : FaultFlags.Read)) >= 0);
            }
        })).Append(() =>
        {
            foreach (var op in main)
            {
                shadow.Before(op);
                mm.Execute(op);
            }
        }).ToList();

        ControlledRun run;
        using (SchedulerHooks.Install(backend, config))
            run = ControlledScheduler.Run(bodies, new RandomWalkStrategy(new SplitMix64(scheduleSeed)), MaxSteps, record: false,
                limit: TimeSpan.FromMinutes(5));
        if (run.SchedulerFailure is { } why)
            throw new InvalidOperationException($"race run (schedule seed {scheduleSeed}): {why}");
        if (run.Errors.FirstOrDefault(e => e is not null) is { } error)
            throw new InvalidOperationException($"race run (schedule seed {scheduleSeed}): a thread threw: {error.Message}", error);
        if (mm.Violations() is { Count: > 0 } violations)
            throw new InvalidOperationException($"race run (schedule seed {scheduleSeed}): {violations[0]}");
        return mm.GetStats();
    }

    /// <summary>What the page tables hold for each page, as far as a touch can tell.</summary>
    private sealed class Shadow
    {
        private readonly Dictionary<ulong, (bool Own, bool Writable)> present = [];

        public bool Faults(ulong addr, bool write)
        {
            lock (present)
                return !present.TryGetValue(addr / Page, out var pte) || (write && !pte.Writable);
        }

        public void Faulted(ulong addr, bool write, bool ok)
        {
            if (!ok)
                return;
            lock (present)
                present[addr / Page] = write ? (true, true) : (false, false);
        }

        public void Before(Operation op)
        {
            var page = op.Addr / Page;
            lock (present)
            {
                if (op.Kind != OpKind.Mprotect)
                    present.Remove(page);
                else if (present.TryGetValue(page, out var pte))
                    present[page] = (pte.Own, pte.Own && (op.Prot & Prot.Write) != 0);
            }
        }
    }
}
