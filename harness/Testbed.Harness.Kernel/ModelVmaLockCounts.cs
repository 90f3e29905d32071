// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The mmu-pvl model's faults sorted into 6.12's per-VMA lock statistics, with the 6.12 source's
/// meaning (mm/memory.c lock_vma_under_rcu, arch/x86/mm/fault.c do_user_addr_fault, as in
/// Debian's linux-source-6.12):
/// <list type="bullet">
/// <item>success: the fault was handled under the VMA lock; 6.12 counts an access error found
/// under the VMA lock (SIGSEGV sent from there) as a success too, so the model's ACCESS abort
/// is one.</item>
/// <item>abort: lock_vma_under_rcu gave up: no VMA at the address (NO_VMA, also after the range
/// re-check), or vma_start_read failed, the VMA being write-locked (SEQ_ODD, SEQ_CHANGED).</item>
/// <item>miss: the VMA locked was detached meanwhile (DETACHED). 6.12 counts a miss and walks
/// again; the model (6.4's code) falls back to mmap_sem instead, so the fault is an abort as
/// well and the counts then sum to one more than the faults.</item>
/// <item>no anon_vma (<see cref="NoAnonVma"/>): 6.4's lock_vma_under_rcu, which the model has,
/// gives up on an anonymous VMA without anon_vma; 6.12 goes on and prepares it
/// (vmf_anon_prepare) under mmap_read_trylock: a success, or a retry when the trylock fails
/// (a writer holds mmap_lock). Which one the model cannot say, so the comparison takes both
/// ends.</item>
/// <item>retry: the model has no VM_FAULT_RETRY under the VMA lock other than the one above.</item>
/// </list>
/// </summary>
public sealed record ModelVmaLockCounts(ulong Success, ulong Abort, ulong Miss, ulong NoAnonVma, ulong Faults)
{
    /// <summary>Of <see cref="Abort"/>: no VMA at the address (a hole; the fault ends in SEGV_MAPERR under mmap_sem).</summary>
    public ulong AbortNoVma { get; init; }

    /// <summary>Faults that ended in SIGSEGV (a hole: SEGV_MAPERR; a write to a read-only page: SEGV_ACCERR).</summary>
    public ulong Segv { get; init; }

    /// <summary>Of <see cref="Abort"/>: the VMA was write-locked (a writer inside its mmap_sem write section had marked it).</summary>
    public ulong AbortLocked { get; init; }

    /// <summary>The counts of one model run from the mm's fault statistics (<see cref="IAddressSpace.GetStats"/>).</summary>
    /// <exception cref="InvalidOperationException">A fault took a path 6.12 has no counter for (the SPF-only aborts).</exception>
    public static ModelVmaLockCounts FromStats(Stats s)
    {
        var success = s.SpfSuccess + s.SpfAbortAccess;
        var abort = s.SpfAbortNoVma + s.SpfAbortSeqOdd + s.SpfAbortSeqChanged + s.SpfAbortDetached;
        if (s.SpfAbortNotAnon + s.SpfAbortMpol + s.SpfAbortPtlBusy != 0)
            throw new InvalidOperationException(
                $"the race's faults took paths 6.12 counts otherwise (not anon {s.SpfAbortNotAnon}, mpol {s.SpfAbortMpol}, ptl busy {s.SpfAbortPtlBusy}): not a per-VMA-lock run");
        return new(success, abort, s.SpfAbortDetached, s.SpfAbortNoAnonVma, s.SpfAttempts)
        {
            AbortNoVma = s.SpfAbortNoVma,
            AbortLocked = s.SpfAbortSeqOdd + s.SpfAbortSeqChanged,
            Segv = s.Segv,
        };
    }

    /// <summary>The sum of two runs' counts.</summary>
    public ModelVmaLockCounts Add(ModelVmaLockCounts o) =>
        new(Success + o.Success, Abort + o.Abort, Miss + o.Miss, NoAnonVma + o.NoAnonVma, Faults + o.Faults)
        {
            AbortNoVma = AbortNoVma + o.AbortNoVma,
            AbortLocked = AbortLocked + o.AbortLocked,
            Segv = Segv + o.Segv,
        };

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Success} success, {Abort} abort ({AbortNoVma} no VMA, {AbortLocked} write-locked), {Miss} miss, " +
        $"{NoAnonVma} without anon_vma (success or retry) of {Faults} faults, {Segv} ending in SIGSEGV";
}
