// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.FaultSpecs;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The rules of the series' speculative fault path that the other fault specs do not pin
/// (docs/model.md, "Faults", names the patch of each): who may try it (a user fault of a
/// multithreaded mm), which VMAs it turns away (MPOL_INTERLEAVE), and the vm_sequence write
/// sections it relies on (vma_replace_policy, free_pgtables). On both backends.
/// </summary>
public sealed class SpeculativeFaultRuleSpecs
{
    /// <summary>Window pages 0..3: a private RW VMA with an anon_vma (one classic write fault on page 0).</summary>
    private static void MapPrimed(IAddressSpace mm)
    {
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Assert.Equal(1, mm.Fault(0, FaultFlags.Write | FaultFlags.NoSpeculative));
    }

    /// <summary>
    /// include/linux/mm.h of "mm: provide speculative fault infrastructure" (v10): "try
    /// speculative page fault for multithreaded user space task only" (mm_users == 1: retry
    /// classic). A one-thread mm never tries; a second thread makes it try.
    /// </summary>
    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void A_single_threaded_mm_never_tries_the_speculative_path_and_a_second_thread_makes_it_try(string backend)
    {
        using var mm = CreateSingleThreaded(backend, "mmu-spf");
        MapPrimed(mm);

        Assert.Equal(1, mm.Fault(1, FaultFlags.Write));
        Assert.Equal(1, mm.Fault(2));
        Assert.Equal(Expected(faults: 3, classic: 3), Counters(mm.GetStats()));

        Assert.Equal(0, mm.SetThreads(2));
        Assert.Equal(0, mm.Fault(3, FaultFlags.Write));
        Assert.Equal(0, mm.SetThreads(1));
        Assert.Equal(1, mm.Fault(3));
        Assert.Equal(Expected(faults: 5, attempts: 1, success: 1, classic: 4), Counters(mm.GetStats()));
        mm.AssertLayout(Anon(0, 4, PrivAnon(RW), populated: 4, anon: true));
    }

    /// <summary>The same include/linux/mm.h check: a fault from kernel mode (!FAULT_FLAG_USER) is never tried.</summary>
    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void A_kernel_mode_fault_never_tries_the_speculative_path(string backend)
    {
        using var mm = Create(backend, "mmu-spf");
        MapPrimed(mm);

        Assert.Equal(1, mm.Fault(1, FaultFlags.Write | FaultFlags.Kernel));
        Assert.Equal(1, mm.Fault(2, FaultFlags.Kernel));
        Assert.Equal(-Errno.EFAULT, mm.Fault(9, FaultFlags.Kernel));
        Assert.Equal(0, mm.Fault(3));

        Assert.Equal(Expected(faults: 5, attempts: 1, success: 1, classic: 4, segv: 1), Counters(mm.GetStats()));
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Thread_counts_outside_one_to_4096_are_rejected(string backend)
    {
        using var mm = CreateSingleThreaded(backend, "mmu-spf");

        Assert.Equal(-Errno.EINVAL, mm.SetThreads(0));
        Assert.Equal(-Errno.EINVAL, mm.SetThreads(4097));
        Assert.Equal(0, mm.SetThreads(4096));
        Assert.Equal(0, mm.SetThreads(1));
    }

    /// <summary>
    /// "mm: provide speculative fault infrastructure" (v10): MPOL_INTERLEAVE needs
    /// mpol_misplaced()'s processing, which the speculative path cannot do: MPOL abort. Any
    /// other policy goes speculative.
    /// </summary>
    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void An_interleave_policy_sends_the_fault_to_the_classic_path_and_a_bind_policy_does_not(string backend)
    {
        // 01234567
        // IIIIBBBB   I interleaved, B bound; each with its anon_vma
        using var mm = Create(backend, "mmu-spf");
        Ok(mm.MapAnon(0, 8, RW), "mmap");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Interleave));
        Assert.Equal(0, mm.Mbind(4, 4, MpolMode.Bind));
        Assert.Equal(1, mm.Fault(0, FaultFlags.Write | FaultFlags.NoSpeculative));
        Assert.Equal(1, mm.Fault(4, FaultFlags.Write | FaultFlags.NoSpeculative));

        Assert.Equal(1, mm.Fault(1));
        Assert.Equal(0, mm.Fault(5));

        Assert.Equal(Expected(faults: 4, attempts: 2, success: 1, mpol: 1, classic: 3, fallbacks: 1), Counters(mm.GetStats()));
    }

    /// <summary>
    /// "mm: protect VMA modifications using VMA sequence count" (v9): vma_replace_policy is a
    /// vm_sequence write section, so a speculative fault that read the old policy aborts. On
    /// mbind of a whole VMA the sequence moves by exactly one section (2); without SPF it stays 0.
    /// </summary>
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Replacing_a_vmas_policy_is_one_sequence_write_section(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        var before = mm.At(0).Sequence;

        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Preferred));

        var after = mm.At(0);
        Assert.Equal(MpolMode.Preferred, after.Policy);
        Assert.Equal(mm.Config.Spf ? before + 2 : 0u, after.Sequence);
    }

    /// <summary>
    /// "mm: protect SPF handler against anon_vma changes" (v8): free_pgtables unlinks each
    /// VMA's anon_vmas inside a write section, after unmap_vmas' zap section. A VMA munmap
    /// detached, seen through a get_vma reference, has moved by both (4).
    /// </summary>
    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Munmap_opens_a_write_section_for_the_zap_and_one_for_the_anon_vma_unlink(string backend)
    {
        using var mm = Create(backend, "mmu-spf");
        MapPrimed(mm);
        Assert.Equal(0, mm.GetVma(P(0), out var reference, out var held));

        Assert.Equal(0, mm.Munmap(0, 4));

        Assert.Equal(0, mm.VmaRefInfo(reference, out var detached));
        Assert.False(detached.InTree);
        Assert.False(detached.HasAnonVma);
        Assert.Equal(held.Sequence + 4, detached.Sequence);
        Assert.Equal(0, mm.PutVma(reference));
        Assert.Equal(0UL, mm.GetStats().LiveVmas);
    }
}
