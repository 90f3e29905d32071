// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>mmap: MAP_FIXED over existing mappings (mmap_region's munmap first), flags and checks.</summary>
public sealed class MmapSpecs
{
    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Map_fixed_over_the_middle_zaps_its_pages_and_replaces_that_part(string backend, string config)
    {
        // 01234567      01234567
        // AAAAAAAA  ->  AABBBBCC   (pages 1, 2, 6 populated; B read-only, new, empty)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 8, RW), "mmap A");
        foreach (var p in new[] { 1, 2, 6 })
            Ok(mm.Fault(p, FaultFlags.Write), $"fault {p}");
        var a = mm.At(0).Id;

        Assert.Equal((long)P(2), mm.MapAnon(2, 4, R));

        mm.AssertLayout(
            Anon(0, 2, PrivAnon(RW), populated: 1, anon: true),
            Anon(2, 6, PrivAnon(R), pgoffPage: 2),
            Anon(6, 8, PrivAnon(RW), pgoffPage: 6, populated: 1, anon: true));
        Assert.Equal(a, mm.At(0).Id);
        Assert.NotEqual(a, mm.At(2).Id);
        Assert.NotEqual(mm.At(6).Id, mm.At(2).Id);
        Assert.Equal(2UL, mm.GetStats().PopulatedPages);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Map_fixed_over_a_whole_vma_replaces_it_with_a_fresh_one_and_frees_its_anon_vma(string backend, string config)
    {
        // 0123      0123
        // AAAA  ->  BBBB   (same protection: B is a new VMA, no pages, no anon_vma)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        var a = mm.At(0).Id;

        Ok(mm.MapAnon(0, 4, RW), "mmap B");

        mm.AssertLayout(Anon(0, 4, PrivAnon(RW)));
        Assert.NotEqual(a, mm.At(0).Id);
        var stats = mm.GetStats();
        Assert.Equal(1UL, stats.LiveVmas);
        Assert.Equal(0UL, stats.LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Map_fixed_across_several_vmas_unmaps_them_and_merges_with_both_remains(string backend, string config)
    {
        // 0123456789ab      0123456789ab
        // AAAABBBBCCCC  ->  AAAAAAAAAAAA   (A, C rw; B r; rw over 2..9: case 1)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.MapAnon(4, 4, R), "mmap B");
        Ok(mm.MapAnon(8, 4, RW), "mmap C");
        Ok(mm.Fault(5), "fault 5");
        Ok(mm.Fault(11), "fault 11");
        var a = mm.At(0).Id;

        Ok(mm.MapAnon(2, 8, RW), "mmap over");

        mm.AssertLayout(Anon(0, 12, PrivAnon(RW), populated: 1));
        Assert.Equal(a, mm.At(0).Id);
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mmap_sets_vm_flags_and_pgoff_by_mapping_type(string backend, string config)
    {
        // 0123456789abcdef
        // AA BB CC DD EE     private rw anon, private r anon, shared rw anon,
        //                    private rw file (accounted), shared rw file
        using var mm = Create(backend, config);
        var fd = mm.OpenFile(16);
        const ulong file = 1; // the mm's first allocation

        Ok(mm.MapAnon(0, 2, RW), "private rw anon");
        Ok(mm.MapAnon(3, 2, R), "private r anon");
        Ok(mm.MapSharedAnon(6, 2, RW), "shared anon");
        Ok(mm.MapFile(9, 2, RW, fd, 3), "private file");
        Ok(mm.MapFile(12, 2, RW, fd, 5, shared: true), "shared file");

        var shm = mm.At(6).FileId;
        mm.AssertLayout(
            Anon(0, 2, Vm(RW, account: true)),
            Anon(3, 5, Vm(R), pgoffPage: 3),
            Vma(6, 8, Vm(RW, shared: true), 0, shm),
            Vma(9, 11, Vm(RW, account: true), 3, file),
            Vma(12, 14, Vm(RW, shared: true), 5, file));
        Assert.NotEqual(file, shm);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Mmap_rejects_bad_arguments_in_the_documented_order(string backend, string config)
    {
        using var mm = Create(backend, config);
        const MapFlags PA = MapFlags.Private | MapFlags.Anonymous;
        const MapFlags FPA = MapFlags.Fixed | PA;

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0), Page, RW, PA | (MapFlags)0x2000))); // MAP_LOCKED: not modelled
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0), Page, (Prot)0x10, PA)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0), 0, RW, PA)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0), Page, RW, MapFlags.Anonymous)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0), Page, RW, PA | MapFlags.Shared)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(P(0) + 1, Page, RW, FPA)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mmap(P(0), TaskSize + 1, RW, PA)));
        Assert.Equal(-Errno.EOVERFLOW, mm.Execute(Operation.Mmap(P(0), 2 * Page, RW, PA, -1, ulong.MaxValue)));
        Assert.Equal(-Errno.EBADF, mm.Execute(Operation.Mmap(P(0), Page, RW, MapFlags.Private, 5)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mmap(TaskSize - Page, 2 * Page, RW, FPA)));
        Assert.Equal(-Errno.EPERM, mm.Execute(Operation.Mmap(0x1000, Page, RW, FPA)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mmap(0, TaskSize - 0x10000 + Page, RW, PA)));

        mm.AssertLayout();
        Assert.Equal(0UL, mm.GetStats().Allocations);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Map_fixed_just_below_task_size_and_at_mmap_min_addr_is_allowed(string backend, string config)
    {
        using var mm = Create(backend, config);
        const MapFlags FPA = MapFlags.Fixed | MapFlags.Private | MapFlags.Anonymous;

        Assert.Equal((long)(TaskSize - Page), mm.Execute(Operation.Mmap(TaskSize - Page, Page, R, FPA)));
        Assert.Equal(0x10000L, mm.Execute(Operation.Mmap(0x10000, Page, R, FPA)));

        var snap = mm.Snapshot();
        Assert.Equal(2, snap.Count);
        Assert.Equal((0x10000UL, 0x11000UL, 0x10UL), (snap[0].Start, snap[0].End, snap[0].PgOff));
        Assert.Equal((TaskSize - Page, TaskSize, (TaskSize - Page) >> 12), (snap[1].Start, snap[1].End, snap[1].PgOff));
        mm.AssertHealthy();
    }
}
