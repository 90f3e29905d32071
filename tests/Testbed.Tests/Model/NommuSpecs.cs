// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The nommu semantics (region sharing and vm_usage, the sharing violation, munmap rules,
/// the -ENOSYS/-EOPNOTSUPP calls), each run on the native library and on the managed port
/// of every nommu config.
/// </summary>
public sealed class NommuSpecs
{
    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void A_shared_mapping_inside_a_region_shares_it_and_vm_usage_counts_its_users(string backend, string config)
    {
        using var mm = Create(backend, config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapDirect | FileFlags.MapCopy));
        mm.Trace(true);
        var a = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Shared, fd, 2));
        var b = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd, 3));

        Assert.Equal(0x10000000000L + (1L << 32) + 2 * (long)Page, a);
        Assert.Equal(a + (long)Page, b);
        var layout = mm.Snapshot();
        Assert.Equal(2, layout.Count);
        Assert.Equal(layout[0].RegionId, layout[1].RegionId);
        var region = layout[0].RegionId;
        var events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.RegionGet && e.ObjectId == region && e.Value == 2);
        Assert.Equal(1UL, mm.GetStats().LiveRegions);

        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)a, 4 * Page)));
        events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.RegionPut && e.ObjectId == region && e.Value == 1);
        Assert.DoesNotContain(events, e => e.Type == EventType.RegionFree);

        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)b, 2 * Page)));
        events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.RegionPut && e.ObjectId == region && e.Value == 0);
        Assert.Contains(events, e => e.Type == EventType.RegionFree && e.ObjectId == region);
        var stats = mm.GetStats();
        Assert.Equal(0UL, stats.LiveRegions);
        Assert.Equal(0UL, stats.LiveVmas);
        Assert.Equal(0, mm.Validate());
        Assert.Empty(mm.Violations());
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void An_inexact_overlap_of_a_private_copy_is_a_sharing_violation_that_frees_everything_it_took(string backend, string config)
    {
        using var mm = Create(backend, config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapCopy));
        var c = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, fd, 0));
        Assert.Equal(0x40000000L, c);
        var before = mm.GetStats();
        mm.Trace(true);

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, fd, 1)));
        var after = mm.GetStats();
        Assert.Equal(before.LiveVmas, after.LiveVmas);
        Assert.Equal(before.LiveRegions, after.LiveRegions);
        Assert.Equal(before.LiveFiles, after.LiveFiles);
        var kinds = mm.DrainEvents().Select(e => e.Type).ToArray();
        Assert.Equal(
            [EventType.FileGet, EventType.RegionAlloc, EventType.VmaAlloc, EventType.FileGet, EventType.FileGet,
             EventType.FilePut, EventType.RegionFree, EventType.FilePut, EventType.VmaFree, EventType.FilePut],
            kinds);

        // A subset of the copy shares it, at the matching offset.
        Assert.Equal(c + (long)Page, mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, fd, 1)));
        var layout = mm.Snapshot();
        Assert.Equal(layout[0].RegionId, layout[1].RegionId);
        Assert.Equal(0, mm.Validate());
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void Munmap_removes_whole_file_vmas_and_trims_or_splits_anonymous_ones(string backend, string config)
    {
        using var mm = Create(backend, config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapCopy));
        var file = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Private, fd, 0));
        var anon = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous));
        Assert.Equal(0x40000000L, file);
        Assert.Equal(file + 4 * (long)Page, anon);

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap((ulong)file, Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap((ulong)file + Page, 3 * Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(0x7000_0000, Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap((ulong)anon + 3 * Page, 2 * Page)));

        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)anon + Page, Page)));
        var pieces = mm.Snapshot().Where(v => v.FileId == 0).ToList();
        Assert.Equal(2, pieces.Count);
        Assert.NotEqual(pieces[0].RegionId, pieces[1].RegionId);
        Assert.Equal((ulong)anon + Page, pieces[0].End);
        Assert.Equal((ulong)anon + 2 * Page, pieces[1].Start);
        Assert.Equal(3UL, mm.GetStats().LiveRegions);

        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)anon + 3 * Page, Page)));
        Assert.Equal((ulong)anon + 3 * Page, mm.Snapshot().Single(v => v.Start == (ulong)anon + 2 * Page).End);

        // The freed pages are found again first-fit: the hole left by the split.
        Assert.Equal(anon + (long)Page, mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous)));
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)file, 4 * Page)));
        Assert.Equal(0, mm.Validate());
        Assert.Empty(mm.Violations());
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void Calls_a_nommu_kernel_lacks_answer_enosys_or_eopnotsupp_and_mmap_refuses_what_it_cannot_map(string backend, string config)
    {
        using var mm = Create(backend, config);
        var direct = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapDirect));
        var none = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.None));
        var anon = mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous));

        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Mprotect((ulong)anon, Page, Prot.Read)));
        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Mprotect(1, 0, (Prot)0x40)));
        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Mbind((ulong)anon, Page, MpolMode.Bind)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mbind((ulong)anon, Page, (MpolMode)7)));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.Execute(Operation.Fault((ulong)anon, FaultFlags.Write)));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.Execute(Operation.Fault((ulong)anon, FaultFlags.Read)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Fault((ulong)anon, (FaultFlags)0x80)));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.GetVma((ulong)anon, out _, out _));

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0x40000000, Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)));
        Assert.Equal(-Errno.EBADF, mm.Execute(Operation.Mmap(0, 0, Prot.Read, MapFlags.Private, 40, 0)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 0, Prot.Read, MapFlags.Private | MapFlags.Anonymous)));
        Assert.Equal(-Errno.ENODEV, mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, none, 0)));
        Assert.Equal(-Errno.ENODEV, mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, direct, 0)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, direct, 15)));

        var stats = mm.GetStats();
        Assert.Equal(0UL, stats.Faults);
        Assert.Equal(0UL, stats.PopulatedPages);
        Assert.Equal(1UL, stats.MapCount);
        Assert.Equal(0, mm.Validate());
        Assert.False(mm.Config.Mmu);
        Assert.False(mm.Config.Spf);
        Assert.Equal(config == "nommu", mm.Config.SharedFree);
    }
}
