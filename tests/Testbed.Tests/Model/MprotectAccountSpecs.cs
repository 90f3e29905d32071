// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// mprotect's VM_ACCOUNT (tb_mm_create's TB_MM_MPROTECT_UNACCOUNT_UNFAULTED,
/// MmFlags.MprotectUnaccountUnfaulted): 4.16's mprotect_fixup keeps the charge of a private
/// writable mapping made read-only; 6.12's drops VM_ACCOUNT when the VMA is private anonymous
/// and has no anon_vma (never written), so it can merge with a read-only neighbour that was
/// never charged. Each case runs with both rules on both backends.
/// </summary>
public sealed class MprotectAccountSpecs
{
    private const MmFlags Unaccount = MmFlags.MprotectUnaccountUnfaulted;

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void An_unwritten_anonymous_vma_made_read_only_merges_with_its_read_only_prev_only_with_6_12s_rule(string backend, string config)
    {
        // 0123      0123 (4.16)   0123 (6.12)
        // XNNN  ->  XNNN          AAAA   (X read-only, N read-write never written, then N made read-only)
        foreach (var (flags, expected) in new[] { (MmFlags.None, "0-1 1-4"), (Unaccount, "0-4") })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 1, R), "mmap X");
            Ok(mm.MapAnon(1, 3, RW), "mmap N");
            Ok(mm.Fault(1), "read N");

            Ok(mm.Mprotect(1, 3, R), "mprotect N read-only");

            Assert.Equal(expected, mm.Layout());
            Assert.Equal(flags == Unaccount ? PrivAnon(R) : Vm(R, account: true), mm.At(1).Flags);
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_written_anonymous_vma_keeps_its_charge_and_stays_apart_under_both_rules(string backend, string config)
    {
        foreach (var flags in new[] { MmFlags.None, Unaccount })
        {
            using var mm = Create(backend, config, flags);
            Ok(mm.MapAnon(0, 1, R), "mmap X");
            Ok(mm.MapAnon(1, 3, RW), "mmap N");
            Ok(mm.Fault(2, FaultFlags.Write), "write N");

            Ok(mm.Mprotect(1, 3, R), "mprotect N read-only");

            Assert.Equal("0-1 1-4", mm.Layout());
            Assert.Equal(Vm(R, account: true), mm.At(1).Flags);
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_private_file_mapping_keeps_its_charge_under_both_rules(string backend, string config)
    {
        foreach (var flags in new[] { MmFlags.None, Unaccount })
        {
            using var mm = Create(backend, config, flags);
            var fd = mm.OpenFile(4);
            Ok(mm.MapFile(0, 1, R, fd, 0), "mmap X");
            Ok(mm.MapFile(1, 3, RW, fd, 1), "mmap N");

            Ok(mm.Mprotect(1, 3, R), "mprotect N read-only");

            Assert.Equal("0-1 1-4", mm.Layout());
            Assert.Equal(Vm(R, account: true), mm.At(1).Flags);
            mm.AssertHealthy();
        }
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Made_writable_again_the_vma_is_charged_again_and_split_off(string backend, string config)
    {
        using var mm = Create(backend, config, Unaccount);
        Ok(mm.MapAnon(0, 1, R), "mmap X");
        Ok(mm.MapAnon(1, 3, RW), "mmap N");
        Ok(mm.Mprotect(1, 3, R), "mprotect N read-only");
        Assert.Equal("0-4", mm.Layout());

        Ok(mm.Mprotect(2, 1, RW), "mprotect page 2 writable");

        Assert.Equal("0-2 2-3 3-4", mm.Layout());
        Assert.Equal(PrivAnon(RW), mm.At(2).Flags);
        mm.AssertHealthy();
    }
}
