// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// handle_mm_fault and handle_speculative_fault: results, access errors, populated pages,
/// anon_vma creation, and the counters (speculative attempts, aborts, fallbacks).
/// </summary>
public sealed class FaultSpecs
{
    /// <summary>The fault counters as one comparable line.</summary>
    internal static string Counters(Stats s) =>
        $"faults={s.Faults} attempts={s.SpfAttempts} success={s.SpfSuccess} novma={s.SpfAbortNoVma} " +
        $"seqodd={s.SpfAbortSeqOdd} seqchanged={s.SpfAbortSeqChanged} detached={s.SpfAbortDetached} " +
        $"access={s.SpfAbortAccess} notanon={s.SpfAbortNotAnon} noanonvma={s.SpfAbortNoAnonVma} " +
        $"mpol={s.SpfAbortMpol} ptlbusy={s.SpfAbortPtlBusy} classic={s.ClassicFaults} " +
        $"fallbacks={s.Fallbacks} segv={s.Segv}";

    internal static string Expected(int faults = 0, int attempts = 0, int success = 0, int noVma = 0,
        int access = 0, int notAnon = 0, int classic = 0, int fallbacks = 0, int segv = 0, int noAnonVma = 0, int mpol = 0) =>
        Counters(new Stats
        {
            Faults = (ulong)faults, SpfAttempts = (ulong)attempts, SpfSuccess = (ulong)success,
            SpfAbortNoVma = (ulong)noVma, SpfAbortAccess = (ulong)access, SpfAbortNotAnon = (ulong)notAnon,
            SpfAbortNoAnonVma = (ulong)noAnonVma, SpfAbortMpol = (ulong)mpol,
            ClassicFaults = (ulong)classic, Fallbacks = (ulong)fallbacks, Segv = (ulong)segv,
        });

    /// <summary>
    /// "mm: provide speculative fault infrastructure" (v10): a VMA without an anon_vma is
    /// turned away for any fault, because __anon_vma_prepare needs mmap_sem. So on mmu-spf
    /// the first read fault is classic (NO_ANON_VMA) and gives the VMA no anon_vma either.
    /// </summary>
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_read_fault_on_an_anonymous_vma_without_anon_vma_takes_the_classic_path(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var spf = mm.Config.LocklessFaults;

        Assert.Equal(1, mm.Fault(1));
        Assert.Equal(1, mm.Fault(1));

        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 1));
        Assert.Equal(spf ? Expected(faults: 2, attempts: 2, noAnonVma: 2, classic: 2, fallbacks: 2) : Expected(faults: 2, classic: 2),
            Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_first_private_write_fault_creates_the_anon_vma_classically_then_faults_go_speculative(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var spf = mm.Config.LocklessFaults;
        Assert.Equal(1, mm.Fault(0));
        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 1));

        Assert.Equal(1, mm.Fault(1, FaultFlags.Write));
        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 2, anon: true));
        Assert.Equal(spf ? 0 : 1, mm.Fault(2, FaultFlags.Write));
        Assert.Equal(spf ? 0 : 1, mm.Fault(3));

        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 4, anon: true));
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
        Assert.Equal(
            spf ? Expected(faults: 4, attempts: 4, success: 2, noAnonVma: 2, classic: 2, fallbacks: 2) : Expected(faults: 4, classic: 4),
            Counters(mm.GetStats()));
    }

    /// <summary>
    /// The series checks anon_vma before the access rights: on a VMA without one an access
    /// error aborts NO_ANON_VMA, on one with an anon_vma it aborts ACCESS; the classic path
    /// answers -EACCES either way.
    /// </summary>
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Access_errors_answer_eacces_after_a_speculative_abort(string backend, string config)
    {
        // 0123456789
        // RRRR WWWW N   (R read-only, W read-write with an anon_vma, N PROT_NONE)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap R");
        Ok(mm.MapAnon(5, 4, RW), "mmap W");
        Ok(mm.MapAnon(10, 1, Prot.None), "mmap N");
        Assert.Equal(1, mm.Fault(5, FaultFlags.Write | FaultFlags.NoSpeculative));

        Assert.Equal(-Errno.EACCES, mm.Fault(0, FaultFlags.Write));
        Assert.Equal(-Errno.EACCES, mm.Fault(6, FaultFlags.Exec));
        Assert.Equal(-Errno.EACCES, mm.Fault(10));
        Assert.Equal(-Errno.EACCES, mm.Fault(10, FaultFlags.Write | FaultFlags.NoSpeculative));

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(R)),
            Anon(5, 9, PrivAnon(RW), pgoffPage: 5, populated: 1, anon: true),
            Anon(10, 11, PrivAnon(Prot.None), pgoffPage: 10));
        Assert.Equal(
            mm.Config.LocklessFaults
                ? Expected(faults: 5, attempts: 3, access: 1, noAnonVma: 2, classic: 5, fallbacks: 3, segv: 4)
                : Expected(faults: 5, classic: 5, segv: 4),
            Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void An_exec_fault_on_an_executable_vma_and_a_read_fault_on_a_write_only_one_succeed(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 2, RX), "mmap RX");
        Ok(mm.MapAnon(3, 2, Prot.Write), "mmap W");

        Ok(mm.Fault(0, FaultFlags.Exec), "exec fault");
        Ok(mm.Fault(3), "read fault on write-only");

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(RX), populated: 1),
            Anon(3, 5, PrivAnon(Prot.Write), pgoffPage: 3, populated: 1));
        Assert.Equal(0UL, mm.GetStats().Segv);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Faults_outside_every_vma_answer_efault_and_above_task_size_no_speculative_attempt(string backend, string config)
    {
        // 0123456789
        //     AAAA     faults at 0 (below A), 9 (above A), TASK_SIZE
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(4, 4, RW), "mmap");

        Assert.Equal(-Errno.EFAULT, mm.Fault(0));
        Assert.Equal(-Errno.EFAULT, mm.Fault(9, FaultFlags.Write));
        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Fault(TaskSize, FaultFlags.Read)));
        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Fault(ulong.MaxValue, FaultFlags.Write)));

        // Below A get_vma (mmu-spf) finds A, which has no anon_vma yet: that check comes before
        // the bounds. The RCU designs walk the maple tree (mas_walk), which gives only a VMA
        // that covers the address: none.
        mm.AssertLayout(Anon(4, 8, PrivAnon(RW), pgoffPage: 4));
        Assert.Equal(
            ConfigRegistry.Get(config).MapleIndex
                ? Expected(faults: 4, attempts: 2, noVma: 2, classic: 2, fallbacks: 2, segv: 4)
                : mm.Config.LocklessFaults
                ? Expected(faults: 4, attempts: 2, noVma: 1, noAnonVma: 1, classic: 2, fallbacks: 2, segv: 4)
                : Expected(faults: 4, classic: 2, segv: 4),
            Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Unknown_fault_flags_are_rejected_and_not_counted(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 1, RW), "mmap");

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Fault(P(0), (FaultFlags)0x10)));

        mm.AssertLayout(Anon(0, 1, PrivAnon(RW)));
        Assert.Equal(Expected(), Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void File_backed_and_shared_anonymous_faults_are_not_speculative_and_only_private_writes_get_an_anon_vma(string backend, string config)
    {
        // 0123456789
        // FFFF SSSS    F private rw file, S shared rw anon
        using var mm = Create(backend, config);
        var fd = mm.OpenFile(4);
        Ok(mm.MapFile(0, 4, RW, fd, 0), "mmap F");
        Ok(mm.MapSharedAnon(5, 4, RW), "mmap S");
        var shm = mm.At(5).FileId;

        Assert.Equal(1, mm.Fault(0));
        Assert.Equal(1, mm.Fault(5, FaultFlags.Write));
        Assert.Equal(1, mm.Fault(1, FaultFlags.Write));

        mm.AssertLayout(
            Vma(0, 4, Vm(RW, account: true), 0, 1, populated: 2, anon: true),
            Vma(5, 9, Vm(RW, shared: true), 0, shm, populated: 1));
        Assert.Equal(
            mm.Config.LocklessFaults ? Expected(faults: 3, attempts: 3, notAnon: 3, classic: 3, fallbacks: 3) : Expected(faults: 3, classic: 3),
            Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void No_speculative_goes_straight_to_the_classic_path(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 2, RW), "mmap");

        Assert.Equal(1, mm.Fault(0, FaultFlags.NoSpeculative));
        Assert.Equal(1, mm.Fault(1, FaultFlags.Write | FaultFlags.NoSpeculative));

        mm.AssertLayout(Anon(0, 2, PrivAnon(RW), populated: 2, anon: true));
        Assert.Equal(Expected(faults: 2, classic: 2), Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_write_fault_reuses_the_anon_vma_of_a_compatible_neighbour(string backend, string config)
    {
        // 01234567
        // AAAABBBB   A rw, B rwx (split by mprotect, so both accounted): compatible
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Assert.Equal(0, mm.Mprotect(4, 4, RWX));
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");

        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RW), populated: 1, anon: true),
            Anon(4, 8, Vm(RWX, account: true), pgoffPage: 4, populated: 1, anon: true));
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);

        // the shared anon_vma lives until the last VMA linking it goes
        Assert.Equal(0, mm.Munmap(0, 4));
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
        Assert.Equal(0, mm.Munmap(4, 4));
        Assert.Equal(0UL, mm.GetStats().LiveAnonVmas);
        mm.AssertLayout();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_write_fault_next_to_a_vma_with_another_policy_gets_its_own_anon_vma(string backend, string config)
    {
        // 01234567
        // AAAABBBB   B bound: not anon_vma_compatible with A
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Assert.Equal(0, mm.Mbind(4, 4, MpolMode.Bind));
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");

        Ok(mm.Fault(4, FaultFlags.Write), "fault 4");

        mm.AssertLayout(
            Anon(0, 4, PrivAnon(RW), populated: 1, anon: true),
            Anon(4, 8, PrivAnon(RW), pgoffPage: 4, policy: MpolMode.Bind, populated: 1, anon: true));
        Assert.Equal(2UL, mm.GetStats().LiveAnonVmas);
    }
}
