// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// Runs one forced interleaving: a fault thread runs until the gate stops it after
/// get_vma, a writer thread runs <c>writer</c> to completion, then the fault is let go
/// (or, on mmu-pvl, the writer is stopped inside its write section instead).
/// Every step is bounded by <see cref="SchedGate.Timeout"/>; a missed step fails with
/// the target's hook trace and what it held instead of hanging.
/// </summary>
public static class SpfRace
{
    /// <summary>
    /// Forces fault-stops / writer-runs / fault-resumes on <paramref name="mm"/>. On the RCU
    /// designs the writer finishes too: no grace period inside its write section (a VMA it
    /// frees goes to call_rcu), and it must not call synchronize_rcu at all.
    /// </summary>
    public static SpfRaceOutcome Run(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer, string replay)
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
            Assert.DoesNotContain(gate.WriterSteps, step => step.Point == SchedPoint.RcuSync);
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

    /// <summary>
    /// mmu-pvl's marked-VMA schedule: the fault stops before vma_start_read's trylock, the
    /// writer runs until it released vm_lock after marking the VMA (vma_start_write) and
    /// stops there, inside its write section; the fault goes on while the mark holds and must
    /// finish without mmap_sem (a fault that falls back waits for the writer, and the join
    /// below fails); then the writer finishes. Stats after both.
    /// </summary>
    public static SpfRaceOutcome RunWithWriterStoppedAfterMark(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer,
        string replay)
    {
        gate.StopWriterAfterItReleases();
        var faultThread = new RacedThread("interleave-fault", gate.BindTarget, mm, fault);
        var writerThread = new RacedThread("interleave-writer", gate.BindWriter, mm, writer);

        try
        {
            faultThread.Start();
            Assert.True(gate.WaitPaused(), $"the fault never reached its pause point; trace:\n{gate.TargetTrace()}\nreplay: {replay}");
            writerThread.Start();
            Assert.True(gate.WaitWriterPaused(),
                $"{writer} never released the lock the fault stopped before ({gate.PausedAt}); writer steps: " +
                $"[{string.Join(", ", gate.WriterSteps)}]\nreplay: {replay}");
            gate.Release();
            var faultDone = faultThread.Join(SchedGate.Timeout);
            gate.ReleaseWriter();
            Assert.True(faultDone, $"the fault did not finish while the writer was stopped in its write section " +
                $"(it fell back to mmap_sem); fault trace:\n{gate.TargetTrace()}\nreplay: {replay}");
            Assert.True(writerThread.Join(SchedGate.Timeout), $"{writer} did not finish after release; replay: {replay}");
            Assert.Null(faultThread.Error);
            Assert.Null(writerThread.Error);
            Assert.Null(gate.Failure);
            return new SpfRaceOutcome(faultThread.Result, writerThread.Result, mm.GetStats());
        }
        finally
        {
            gate.Release();
            gate.ReleaseWriter();
            if (faultThread.IsAlive)
                faultThread.Join(SchedGate.Timeout);
            if (writerThread.IsAlive)
                writerThread.Join(SchedGate.Timeout);
        }
    }
}
