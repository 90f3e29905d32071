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
    public static SpfRaceOutcome Run(IAddressSpace mm, SchedGate gate, Operation fault, Operation writer, string replay)
    {
        long faultResult = long.MinValue, writerResult = long.MinValue;
        Exception? faultError = null, writerError = null;
        var faultThread = new Thread(() =>
        {
            gate.BindTarget();
            try
            {
                faultResult = mm.Execute(fault);
            }
            catch (Exception e)
            {
                faultError = e;
            }
        }) { IsBackground = true, Name = "interleave-fault" };
        var writerThread = new Thread(() =>
        {
            gate.BindWriter();
            try
            {
                writerResult = mm.Execute(writer);
            }
            catch (Exception e)
            {
                writerError = e;
            }
        }) { IsBackground = true, Name = "interleave-writer" };

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
            Assert.Null(writerError);
            var whilePaused = mm.GetStats();

            gate.Release();
            Assert.True(faultThread.Join(SchedGate.Timeout),
                $"the fault did not finish within {SchedGate.Timeout.TotalSeconds} s after release; replay: {replay}");
            Assert.Null(faultError);
            Assert.Null(gate.Failure);
            return new SpfRaceOutcome(faultResult, writerResult, whilePaused);
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
