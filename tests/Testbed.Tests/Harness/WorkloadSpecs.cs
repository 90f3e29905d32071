// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class WorkloadSpecs
{
    public static TheoryData<WorkloadMix> Mixes() => new(WorkloadMixNames.All);

    [Theory]
    [MemberData(nameof(Mixes))]
    public void The_same_seed_yields_the_same_streams(WorkloadMix mix)
    {
        var a = new Workload(mix, 42, 4, 500).Streams(refs: true);
        var b = new Workload(mix, 42, 4, 500).Streams(refs: true);

        Assert.Equal(4, a.Count);
        for (var t = 0; t < a.Count; t++)
            Assert.Equal(a[t], b[t]);
    }

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Different_seeds_and_threads_yield_different_streams(WorkloadMix mix)
    {
        var one = new Workload(mix, 1, 2, 300);
        var two = new Workload(mix, 2, 2, 300);

        Assert.NotEqual(one.Stream(0, true), two.Stream(0, true));
        Assert.NotEqual(one.Stream(0, true), one.Stream(1, true));
    }

    [Fact]
    public void A_known_seed_starts_with_the_same_operations_on_every_runtime()
    {
        // SplitMix64 is written out in the harness, so these values are fixed
        // forever; a change here silently changes every recorded replay command.
        var rng = new SplitMix64(0);
        Assert.Equal(0xe220a8397b1dcdafUL, rng.Next());
        Assert.Equal(0x6e789e6aa1b965f4UL, rng.Next());
    }

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Every_get_vma_is_put_again_and_none_appear_without_refs(WorkloadMix mix)
    {
        var workload = new Workload(mix, 9, 3, 2000);
        foreach (var stream in workload.Streams(refs: true))
        {
            var held = 0;
            foreach (var item in stream)
            {
                held += item.Op.Kind == OpKind.GetVma ? 1 : item.Op.Kind == OpKind.PutVma ? -1 : 0;
                Assert.InRange(held, 0, 4);
            }

            Assert.Equal(0, held);
        }

        Assert.All(workload.Streams(refs: false).SelectMany(s => s),
            item => Assert.DoesNotContain(item.Op.Kind, new[] { OpKind.GetVma, OpKind.PutVma }));
    }

    [Fact]
    public void The_mmu_mixes_stay_in_the_window_or_the_top_area()
    {
        var ranges = WorkloadMixNames.All.Where(m => m.NeedsMmu())
            .SelectMany(m => new Workload(m, 5, 2, 3000).Streams(true).SelectMany(s => s))
            .Select(i => i.Op)
            .Where(op => op.Kind is OpKind.Munmap or OpKind.Mprotect or OpKind.Mbind && op.Len > 0 && op.Addr % AddressWindow.PageSize == 0);

        Assert.All(ranges, op => Assert.True(
            (op.Addr >= AddressWindow.Base && op.Addr + op.Len <= AddressWindow.Page(AddressWindow.Pages)) ||
            (op.Addr >= AddressWindow.TopPage(0) && op.Addr + op.Len <= AddressWindow.MmapBase),
            op.ToString()));
    }

    [Fact]
    public void Nommu_streams_name_their_mappings_by_an_earlier_mmap()
    {
        var stream = new Workload(WorkloadMix.NommuSharedFile, 3, 1, 1000).Stream(0, refs: false).ToList();

        var linked = stream.Where(i => i.AddrFrom >= 0).ToArray();
        Assert.NotEmpty(linked);
        Assert.All(linked, i => Assert.Equal(OpKind.Mmap, stream[i.AddrFrom].Op.Kind));
        Assert.All(linked, i => Assert.True(stream[i.AddrFrom].Named));
    }

    [Fact]
    public void Nommu_streams_keep_their_live_mappings_bounded_and_chunk_aligned()
    {
        var stream = new Workload(WorkloadMix.NommuSharedFile, 5, 1, 20000).Stream(0, refs: false).ToList();

        var live = new HashSet<int>();
        var most = 0;
        for (var i = 0; i < stream.Count; i++)
        {
            var op = stream[i].Op;
            if (op.Kind == OpKind.Mmap)
            {
                Assert.Equal(0UL, op.PgOff % 4);
                Assert.True(op.PgOff + op.Len / AddressWindow.PageSize <= op.PgOff / 4 * 4 + 4, $"item {i} crosses a chunk (seed 5)");
                live.Add(i);
            }
            else if (op.Kind == OpKind.Munmap)
            {
                Assert.True(live.Remove(stream[i].AddrFrom), $"item {i} unmaps a mapping that is not live (seed 5)");
            }

            most = Math.Max(most, live.Count);
        }

        Assert.InRange(most, 1, 32);
    }

    [Fact]
    public void Mix_names_round_trip_and_unknown_names_are_rejected()
    {
        foreach (var mix in WorkloadMixNames.All)
            Assert.Equal(mix, WorkloadMixNames.Parse(mix.Name()));
        Assert.Throws<ArgumentException>(() => WorkloadMixNames.Parse("fault-light"));
    }
}
