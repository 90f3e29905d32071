// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Tests.Isolation;
using Xunit;
using Xunit.Abstractions;
using static Testbed.Tests.Interleaving.RacedVma;

namespace Testbed.Tests.Interleaving;

/// <summary>
/// The fault allocates its new page under the VMA's memory policy, read without a reference
/// (6.4's vma_alloc_folio → get_vma_policy), kept only by the lock the fault holds on the VMA.
/// On mmu-pvl that is the VMA's own lock, so mbind must take it for write before it replaces
/// and puts the old policy ("mm/mempolicy: Take VMA lock before replacing policy", 6.4.2). A
/// per-VMA-locked write fault is stopped before the page-table lock, the policy read; mbind
/// with another mode then must wait in vma_start_write for the fault, and the fault then
/// allocates under a live policy. Without the lock (mutant mbind-no-vma-lock) mbind frees
/// the policy under the fault and its use is a use after free (a violation). Both backends,
/// one fixed schedule, a process per case (<see cref="IsolatedSpec"/>).
/// </summary>
[Collection(InterleavingCollection.Name)]
public sealed class MempolicyRaceSpecs(ITestOutputHelper output)
{
    private const string Config = "mmu-pvl";

    private static string Replay(string backend) =>
        $"dotnet test tests/Testbed.Tests --filter \"FullyQualifiedName~Interleaving.MempolicyRaceSpecs\" " +
        $"(backend {backend}; no seed: the schedule is fixed)";

    [Theory]
    [InlineData("native")]
    [InlineData("managed")]
    public Task Mbind_waits_for_a_vma_locked_fault_that_allocates_under_the_old_policy(string backend) =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(MbindRace), backend);

    private static void MbindRace(string backend)
    {
        var replay = Replay(backend);
        using var mm = Create(backend, Config);
        Prime(mm);
        Assert.Equal(0, mm.Execute(Operation.Mbind(Base, Pages * Page, MpolMode.Bind)));
        var before = mm.GetStats();
        var gate = new SchedGate(PausePoint.PageTableLockUnderVmaLock);

        var fault = new RacedThread("mpol-fault", gate.BindTarget, mm, Operation.Fault(Raced, FaultFlags.Write));
        var writer = new RacedThread("mpol-mbind", gate.BindWriter, mm, Operation.Mbind(Base, Pages * Page, MpolMode.Preferred));
        bool writerDoneWhileFaultHeld;
        using (HookInstall.Install(backend, gate, Config))
        {
            try
            {
                fault.Start();
                Assert.True(gate.WaitPaused(),
                    $"the fault never reached the page-table lock under its VMA lock; trace:\n{gate.TargetTrace()}\nreplay: {replay}");
                // The fault's vm_lock: its LOCK before the one it stopped at.
                var vmLock = gate.TargetSteps.Last(s => s.Point == SchedPoint.Lock && !s.Equals(gate.PausedAt)).Obj;
                writer.Start();
                // mbind either finishes or reaches the fault's VMA lock, where it must wait.
                Assert.True(SpinWait.SpinUntil(() => !writer.IsAlive || gate.WriterSteps.Contains(new SchedStep(SchedPoint.Lock, vmLock)),
                    SchedGate.Timeout), $"mbind neither finished nor reached the VMA lock; writer steps: [{string.Join(", ", gate.WriterSteps)}]; replay: {replay}");
                writerDoneWhileFaultHeld = !writer.IsAlive;
            }
            finally
            {
                gate.Release();
            }
            Assert.True(fault.Join(SchedGate.Timeout) && writer.Join(SchedGate.Timeout),
                $"the fault or mbind did not finish after release; replay: {replay}");
        }
        Console.WriteLine($"fault thread's scheduling points (> = stopped there):\n{gate.TargetTrace()}");
        Console.WriteLine($"writer: {string.Join(", ", gate.WriterSteps)}");
        Assert.Null(fault.Error);
        Assert.Null(writer.Error);
        Assert.Null(gate.Failure);
        Assert.False(writerDoneWhileFaultHeld,
            $"mbind replaced the policy while a fault held the VMA's lock (no vma_start_write); writer steps: [{string.Join(", ", gate.WriterSteps)}]; replay: {replay}");
        Assert.Equal(0, writer.Result);
        Assert.True(fault.Result == (long)FaultResult.Speculative,
            $"the VMA-locked fault answered {Errno.Format(fault.Result)}, expected a success without mmap_sem; replay: {replay}");
        var after = mm.GetStats();
        Assert.Equal(1ul, after.SpfSuccess - before.SpfSuccess);
        Assert.Equal(2u, Assert.Single(mm.Snapshot()).Populated);
        AssertHealthy(mm, replay);
    }
}
