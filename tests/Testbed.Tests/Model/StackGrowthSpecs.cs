// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// Stack growth (docs/model.md, Stack growth): a MAP_GROWSDOWN VMA expands down to a fault
/// below it (4.16's expand_stack → expand_downwards) unless an accessible neighbour lies
/// closer than stack_guard_gap (256 pages) below the new start, the stack would pass
/// RLIMIT_STACK (8 MiB), or the address is below mmap_min_addr: then the fault is a SIGSEGV
/// (-EFAULT), the layout unchanged. On every design; the speculative paths never expand.
/// </summary>
public sealed class StackGrowthSpecs
{
    private const int GapPages = 256;
    private const MapFlags Stack = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed | MapFlags.Growsdown;

    private static VmFlags StackFlags => PrivAnon(RW) | VmFlags.Growsdown;

    private static long MapStack(IAddressSpace mm, int page, int pages) =>
        mm.Execute(Operation.Mmap(P(page), Pages(pages), RW, Stack));

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_fault_below_a_growsdown_vma_expands_it_down_to_the_faulting_page(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(MapStack(mm, 300, 4), "mmap stack");
        mm.AssertLayout(Anon(300, 304, StackFlags));

        Assert.Equal(1, mm.Fault(299, FaultFlags.Write));
        mm.AssertLayout(Anon(299, 304, StackFlags, populated: 1, anon: true));

        // Ten pages further down in one step; vm_pgoff follows vm_start.
        Assert.Equal(1, mm.Fault(289));
        mm.AssertLayout(Anon(289, 304, StackFlags, populated: 2, anon: true));
        Assert.Equal(0UL, mm.GetStats().Segv);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_fault_below_a_vma_that_does_not_grow_is_a_sigsegv(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(300, 4, RW), "mmap");

        Assert.Equal(-Errno.EFAULT, mm.Fault(299, FaultFlags.Write));

        mm.AssertLayout(Anon(300, 304, PrivAnon(RW)));
        Assert.Equal(1UL, mm.GetStats().Segv);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_guard_gap_to_an_accessible_neighbour_below_must_stay_clear(string backend, string config)
    {
        using var mm = Create(backend, config);
        // The neighbour ends one page short of a full gap below page 299.
        Ok(mm.MapAnon(40, 4, RW), "mmap neighbour");
        Ok(MapStack(mm, 300, 4), "mmap stack");

        Assert.Equal(-Errno.EFAULT, mm.Fault(299, FaultFlags.Write));
        mm.AssertLayout(Anon(40, 44, PrivAnon(RW)), Anon(300, 304, StackFlags));
        Assert.Equal(1UL, mm.GetStats().Segv);

        // One page less of neighbour and the gap is exactly stack_guard_gap: allowed.
        Ok(mm.Munmap(43, 1), "munmap the neighbour's last page");
        Assert.Equal(299, 43 + GapPages);
        Assert.Equal(1, mm.Fault(299, FaultFlags.Write));
        mm.AssertLayout(Anon(40, 43, PrivAnon(RW)), Anon(299, 304, StackFlags, populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_prot_none_neighbour_inside_the_gap_does_not_stop_the_stack(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(290, 4, Prot.None), "mmap PROT_NONE neighbour");
        Ok(MapStack(mm, 300, 4), "mmap stack");

        Assert.Equal(1, mm.Fault(295, FaultFlags.Write));
        mm.AssertLayout(Anon(290, 294, PrivAnon(Prot.None)), Anon(295, 304, StackFlags, populated: 1, anon: true));

        // Made accessible again, it blocks the next step down.
        Ok(mm.Mprotect(290, 4, R), "mprotect the neighbour");
        Assert.Equal(-Errno.EFAULT, mm.Fault(294, FaultFlags.Write));
        mm.AssertLayout(Anon(290, 294, PrivAnon(R)), Anon(295, 304, StackFlags, populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_stack_expands_up_to_a_growsdown_neighbour_and_never_into_it(string backend, string config)
    {
        // A growsdown neighbour needs no gap: the stack may grow until it touches it, and a
        // fault inside the neighbour is the neighbour's, never the stack's.
        using var mm = Create(backend, config);
        Ok(MapStack(mm, 290, 4), "mmap lower stack");
        Ok(MapStack(mm, 300, 4), "mmap upper stack");

        Assert.Equal(1, mm.Fault(294, FaultFlags.Write));
        mm.AssertLayout(Anon(290, 294, StackFlags), Anon(294, 304, StackFlags, pgoffPage: 294, populated: 1, anon: true));

        Assert.Equal(1, mm.Fault(293, FaultFlags.Write));
        mm.AssertLayout(Anon(290, 294, StackFlags, populated: 1, anon: true), Anon(294, 304, StackFlags, populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_stack_stops_at_rlimit_stack(string backend, string config)
    {
        const int limit = 2048; // 8 MiB
        using var mm = Create(backend, config);
        Ok(MapStack(mm, 3000, 4), "mmap stack");

        // Past the limit: the anon_vma was prepared before acct_stack_growth said no, as in 4.16.
        Assert.Equal(-Errno.EFAULT, mm.Fault(3004 - limit - 1));
        mm.AssertLayout(Anon(3000, 3004, StackFlags, anon: true));

        Assert.Equal(1, mm.Fault(3004 - limit));
        mm.AssertLayout(Anon(3004 - limit, 3004, StackFlags, populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_shared_anonymous_mapping_cannot_grow(string backend, string config)
    {
        using var mm = Create(backend, config);
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(300), Pages(4), RW,
            MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed | MapFlags.Growsdown)));
        Assert.Empty(mm.Snapshot());
    }

    [Theory, MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void Nommu_has_no_growsdown_mappings(string backend, string config)
    {
        using var mm = Create(backend, config);
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, Pages(4), RW,
            MapFlags.Private | MapFlags.Anonymous | MapFlags.Growsdown)));
    }
}
