// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>__split_vma and do_munmap: splits at either end and in the middle, spanning unmaps, MAP_FIXED over.</summary>
public sealed class MunmapSpecs
{
    private const Prot RW = Prot.Read | Prot.Write;

    [Theory]
    [InlineData(0, 2, "2-8")]
    [InlineData(6, 2, "0-6")]
    [InlineData(3, 2, "0-3 5-8")]
    [InlineData(0, 8, "")]
    public void Munmap_of_part_of_a_vma_splits_it(int page, int pages, string layout)
    {
        using var mm = Create();
        mm.MapFixed(0, 8, RW);
        for (var i = 0; i < 8; i++)
            mm.Execute(Operation.Fault(P(i), FaultFlags.Write));

        Assert.Equal(0, mm.Execute(Operation.Munmap(P(page), (ulong)pages * Page)));

        Assert.Equal(layout, mm.Layout());
        Assert.Equal((ulong)(8 - pages), mm.GetStats().PopulatedPages);
        mm.AssertHealthy();
    }

    [Fact]
    public void A_split_child_keeps_pgoff_anon_vma_and_pages()
    {
        using var mm = Create();
        mm.MapFixed(0, 8, RW);
        mm.Execute(Operation.Fault(P(6), FaultFlags.Write));

        mm.Execute(Operation.Munmap(P(3), Page));

        Assert.Equal(P(4) >> 12, mm.At(4).PgOff);
        Assert.True(mm.At(4).HasAnonVma);
        Assert.True(mm.At(0).HasAnonVma);
        Assert.Equal(1u, mm.At(6).Populated);
        Assert.Equal(1UL, mm.GetStats().LiveAnonVmas);
        mm.AssertHealthy();
    }

    [Fact]
    public void Munmap_spanning_several_vmas_and_holes_removes_them_all()
    {
        // AA BB CC DD -> unmap pages 1..6 -> A        D
        using var mm = Create();
        mm.MapFixed(0, 2, RW);
        mm.MapFixed(3, 2, Prot.Read);
        mm.MapFixed(6, 2, RW);
        mm.MapFixed(9, 2, Prot.Read);

        Assert.Equal(0, mm.Execute(Operation.Munmap(P(1), 9 * Page)));

        Assert.Equal("0-1 10-11", mm.Layout());
        Assert.Equal(2UL, mm.GetStats().LiveVmas);
        mm.AssertHealthy();
    }

    [Fact]
    public void Munmap_of_nothing_succeeds_and_changes_nothing()
    {
        using var mm = Create();
        mm.MapFixed(0, 2, RW);

        Assert.Equal(0, mm.Execute(Operation.Munmap(P(4), Page)));

        Assert.Equal("0-2", mm.Layout());
    }

    [Fact]
    public void Map_fixed_over_existing_mappings_replaces_them_and_zaps_their_pages()
    {
        // AAAAAAAA (RW, populated) -> AA[RR]AAAA (new read-only VMA, no pages)
        using var mm = Create();
        mm.MapFixed(0, 8, RW);
        for (var i = 0; i < 8; i++)
            mm.Execute(Operation.Fault(P(i), FaultFlags.Write));

        Assert.Equal((long)P(2), mm.MapFixed(2, 2, Prot.Read));

        Assert.Equal("0-2 2-4 4-8", mm.Layout());
        Assert.Equal(0u, mm.At(2).Populated);
        Assert.Equal(6UL, mm.GetStats().PopulatedPages);
        mm.AssertHealthy();
    }

    [Fact]
    public void Mprotect_splits_then_merges_back()
    {
        using var mm = Create();
        mm.MapFixed(0, 8, RW);

        mm.Execute(Operation.Mprotect(P(2), 2 * Page, Prot.Read));
        Assert.Equal("0-2 2-4 4-8", mm.Layout());

        mm.Execute(Operation.Mprotect(P(2), 2 * Page, RW));
        Assert.Equal("0-8", mm.Layout());
        mm.AssertHealthy();
    }

    [Fact]
    public void Mprotect_over_a_hole_changes_the_vmas_before_it_then_fails()
    {
        // AA  BB: mprotect 0..6 -> A changed, -ENOMEM at the hole
        using var mm = Create();
        mm.MapFixed(0, 2, RW);
        mm.MapFixed(4, 2, RW);

        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mprotect(P(0), 6 * Page, Prot.Read)));

        Assert.Equal(VmFlags.Read, mm.At(0).Flags & (VmFlags.Read | VmFlags.Write));
        Assert.Equal(VmFlags.Read | VmFlags.Write, mm.At(4).Flags & (VmFlags.Read | VmFlags.Write));
        mm.AssertHealthy();
    }

    [Fact]
    public void Mbind_over_a_hole_fails_with_efault_and_changes_nothing()
    {
        using var mm = Create();
        mm.MapFixed(0, 2, RW);
        mm.MapFixed(4, 2, RW);

        Assert.Equal(-Errno.EFAULT, mm.Execute(Operation.Mbind(P(0), 6 * Page, MpolMode.Bind)));

        Assert.Equal("0-2 4-6", mm.Layout());
        Assert.All(mm.Snapshot(), v => Assert.Equal(MpolMode.Default, v.Policy));
        Assert.Equal(0UL, mm.GetStats().LiveMempolicies);
        mm.AssertHealthy();
    }
}
