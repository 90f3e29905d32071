// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>The eight cases of vma_merge, driven through mmap and mprotect (pictures: one char per page).</summary>
public sealed class VmaMergeSpecs
{
    private const Prot R = Prot.Read;
    private const Prot RW = Prot.Read | Prot.Write;
    private const Prot RX = Prot.Read | Prot.Exec;

    [Fact]
    public void Case_1_a_new_mapping_between_two_compatible_ones_joins_all_three()
    {
        // AAAA    CCCC   ->   AAAAPPPPCCCC  ->  one VMA
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(8, 4, RW);

        mm.MapFixed(4, 4, RW);

        Assert.Equal("0-12", mm.Layout());
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_2_a_new_mapping_right_after_a_compatible_one_extends_it()
    {
        // AAAAPPPP -> AAAAAAAA (prev keeps its id)
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        var id = mm.At(0).Id;

        mm.MapFixed(4, 4, RW);

        Assert.Equal("0-8", mm.Layout());
        Assert.Equal(id, mm.At(0).Id);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_3_a_new_mapping_right_before_a_compatible_one_extends_it_down()
    {
        // PPPPNNNN -> NNNNNNNN (next keeps its id, pgoff moves down)
        using var mm = Create();
        mm.MapFixed(4, 4, RW);
        var id = mm.At(4).Id;

        mm.MapFixed(0, 4, RW);

        Assert.Equal("0-8", mm.Layout());
        Assert.Equal(id, mm.At(0).Id);
        Assert.Equal(P(0) >> 12, mm.At(0).PgOff);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_4_mprotect_of_the_tail_of_prev_moves_the_boundary_down_into_next()
    {
        // AAAANNNN (A read-only, N read-write); mprotect pages 2-3 RW -> AANNNNNN
        using var mm = Create();
        mm.MapFixed(0, 4, R);
        mm.MapFixed(4, 4, RW);
        var nextId = mm.At(4).Id;

        Assert.Equal(0, mm.Execute(Operation.Mprotect(P(2), 2 * Page, RW)));

        Assert.Equal("0-2 2-8", mm.Layout());
        Assert.Equal(nextId, mm.At(2).Id);
        Assert.Equal(P(2) >> 12, mm.At(2).PgOff);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_5_mprotect_of_the_head_of_next_moves_the_boundary_up_into_it()
    {
        // PPPPNNNN (P RW, N R); mprotect pages 4-5 RW -> PPPPPPNN
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(4, 4, R);

        Assert.Equal(0, mm.Execute(Operation.Mprotect(P(4), 2 * Page, RW)));

        Assert.Equal("0-6 6-8", mm.Layout());
        Assert.Equal(P(6) >> 12, mm.At(6).PgOff);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_6_mprotect_of_a_vma_between_two_matching_ones_merges_all_three()
    {
        // AAAAXXXXCCCC; mprotect X like A and C -> one VMA, two freed
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(4, 4, R);
        mm.MapFixed(8, 4, RW);

        Assert.Equal(0, mm.Execute(Operation.Mprotect(P(4), 4 * Page, RW)));

        Assert.Equal("0-12", mm.Layout());
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_7_mprotect_of_a_whole_vma_like_prev_merges_it_into_prev()
    {
        // AAAAXXXXCCCC (C differs); mprotect X like A -> AAAAAAAACCCC
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(4, 4, R);
        mm.MapFixed(8, 4, RX);
        var prevId = mm.At(0).Id;

        Assert.Equal(0, mm.Execute(Operation.Mprotect(P(4), 4 * Page, RW)));

        Assert.Equal("0-8 8-12", mm.Layout());
        Assert.Equal(prevId, mm.At(4).Id);
        mm.AssertHealthy();
    }

    [Fact]
    public void Case_8_mprotect_of_a_whole_vma_like_next_merges_it_into_next()
    {
        // AAAAXXXXCCCC (A differs); mprotect X like C -> AAAACCCCCCCC, C keeps its id
        using var mm = Create();
        mm.MapFixed(0, 4, RX);
        mm.MapFixed(4, 4, R);
        mm.MapFixed(8, 4, RW);
        var nextId = mm.At(8).Id;

        Assert.Equal(0, mm.Execute(Operation.Mprotect(P(4), 4 * Page, RW)));

        Assert.Equal("0-4 4-12", mm.Layout());
        Assert.Equal(nextId, mm.At(4).Id);
        Assert.Equal(P(4) >> 12, mm.At(4).PgOff);
        mm.AssertHealthy();
    }

    [Fact]
    public void Different_anon_vmas_on_both_sides_stop_the_merge_with_next()
    {
        // AAAA    CCCC, both written (own anon_vmas); map PPPP between -> AAAAAAAA CCCC
        using var mm = Create();
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(8, 4, RW);
        mm.Execute(Operation.Fault(P(0), FaultFlags.Write));
        mm.Execute(Operation.Fault(P(8), FaultFlags.Write));
        Assert.Equal(2UL, mm.GetStats().LiveAnonVmas);

        mm.MapFixed(4, 4, RW);

        Assert.Equal("0-8 8-12", mm.Layout());
        mm.AssertHealthy();
    }

    [Fact]
    public void The_test_only_anon_vma_switch_visibly_changes_that_merge()
    {
        // Same steps as above, with is_mergeable_anon_vma forced to yes: all three merge,
        // and anon_vma_merge reports the mismatch.
        using var mm = Create(options: new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = true });
        mm.MapFixed(0, 4, RW);
        mm.MapFixed(8, 4, RW);
        mm.Execute(Operation.Fault(P(0), FaultFlags.Write));
        mm.Execute(Operation.Fault(P(8), FaultFlags.Write));

        mm.MapFixed(4, 4, RW);

        Assert.Equal("0-12", mm.Layout());
        Assert.Equal(1u, mm.Config.TestFlags);
        Assert.Contains(mm.Violations(), v => v.Message.Contains("anon_vma_merge"));
    }

    [Fact]
    public void Shared_anonymous_mappings_never_merge()
    {
        using var mm = Create();
        mm.MapFixed(0, 4, RW, MapFlags.Shared);

        mm.MapFixed(4, 4, RW, MapFlags.Shared);

        Assert.Equal("0-4 4-8", mm.Layout());
        Assert.NotEqual(mm.At(0).FileId, mm.At(4).FileId);
        Assert.Equal(0UL, mm.At(4).PgOff);
        mm.AssertHealthy();
    }

    [Fact]
    public void Mbind_splits_out_the_range_and_merges_it_back_when_the_policy_is_reset()
    {
        // AAAAAAAA -> AA[BB]AAAA with a policy -> AAAAAAAA again
        using var mm = Create();
        mm.MapFixed(0, 8, RW);

        Assert.Equal(0, mm.Execute(Operation.Mbind(P(2), 2 * Page, MpolMode.Bind)));
        Assert.Equal("0-2 2-4 4-8", mm.Layout());
        Assert.Equal(MpolMode.Bind, mm.At(2).Policy);
        Assert.Equal(1UL, mm.GetStats().LiveMempolicies);

        Assert.Equal(0, mm.Execute(Operation.Mbind(P(2), 2 * Page, MpolMode.Default)));

        Assert.Equal("0-8", mm.Layout());
        Assert.Equal(0UL, mm.GetStats().LiveMempolicies);
        mm.AssertHealthy();
    }
}
