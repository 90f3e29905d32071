// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// Runs one forced interleaving: a fault thread runs until the gate stops it after
/// get_vma, a writer thread runs <c>writer</c> to completion, then the fault is let go.
/// Every step is bounded by <see cref="SchedGate.Timeout"/>; a missed step fails with
/// the target's hook trace and what it held instead of hanging.
/// </summary>
public static class SpfRace
{
    /// <summary>Forces fault-stops / writer-runs / fault-resumes on <paramref name="mm"/>.</summary>
    public static SpfRaceOutcome Run(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer, string replay) =>
        Run(mm, gate, fault, writer, replay, writerWaitsForGracePeriod: false);

    /// <summary>
    /// The RCU designs' schedule: the fault stops inside its read-side section, the writer
    /// runs until it waits for the grace period in synchronize_rcu (it cannot finish: the
    /// stopped fault began before it), then the fault is let go and both finish. The
    /// outcome's stats are taken after both finished.
    /// </summary>
    public static SpfRaceOutcome RunThroughGracePeriod(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer, string replay) =>
        Run(mm, gate, fault, writer, replay, writerWaitsForGracePeriod: true);

    private static SpfRaceOutcome Run(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer, string replay,
        bool writerWaitsForGracePeriod)
    {
        var faultThread = new RacedThread("interleave-fault", gate.BindTarget, mm, fault);
        var writerThread = new RacedThread("interleave-writer", gate.BindWriter, mm, writer);

        try
        {
            faultThread.Start();
            Assert.True(gate.WaitPaused(),
                $"the fault never reached its pause point within {SchedGate.Timeout.TotalSeconds} s " +
                $"(is the hook called?); fault thread trace:\n{gate.TargetTrace()}\nreplay: {replay}");

            writerThread.Start();
            if (writerWaitsForGracePeriod)
            {
                Assert.True(gate.WaitWriterSynchronizing(),
                    $"{writer} never reached synchronize_rcu while the fault was stopped at {gate.PausedAt}; " +
                    $"writer steps: [{string.Join(", ", gate.WriterSteps)}]\nreplay: {replay}");
                // No stats here: the native tb_stats takes mmap_sem, which the writer holds.
                // Never a false failure: a grace period that waits keeps the writer here for good.
                Assert.False(writerThread.Join(TimeSpan.FromMilliseconds(200)),
                    $"{writer} finished its grace period while the stopped fault was still inside its read-side section; " +
                    $"writer steps: [{string.Join(", ", gate.WriterSteps)}]; fault trace:\n{gate.TargetTrace()}\n" +
                    $"gate: {gate.Failure}; replay: {replay}");
                gate.Release();
                Assert.True(faultThread.Join(SchedGate.Timeout) && writerThread.Join(SchedGate.Timeout),
                    $"fault or writer did not finish after release; replay: {replay}");
                Assert.Null(faultThread.Error);
                Assert.Null(writerThread.Error);
                Assert.Null(gate.Failure);
                return new SpfRaceOutcome(faultThread.Result, writerThread.Result, mm.GetStats());
            }
            Assert.True(writerThread.Join(SchedGate.Timeout),
                $"{writer} did not finish while the fault was stopped at {gate.PausedAt}; " +
                $"locks the fault held there: [{string.Join(", ", gate.HeldAtPause())}]\n" +
                $"fault thread trace:\n{gate.TargetTrace()}\nreplay: {replay}");
            Assert.Null(writerThread.Error);
            var whilePaused = mm.GetStats();

            gate.Release();
            Assert.True(faultThread.Join(SchedGate.Timeout),
                $"the fault did not finish within {SchedGate.Timeout.TotalSeconds} s after release; replay: {replay}");
            Assert.Null(faultThread.Error);
            Assert.Null(gate.Failure);
            return new SpfRaceOutcome(faultThread.Result, writerThread.Result, whilePaused);
        }
        finally
        {
            gate.Release();
            if (faultThread.IsAlive)
                faultThread.Join(SchedGate.Timeout);
            if (writerThread.IsAlive)
                writerThread.Join(SchedGate.Timeout);
        }
    }
}
