// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Xunit;

namespace Testbed.Tests.Nommu;

/// <summary>The mm/nommu.c model through the public API, on both nommu libraries.</summary>
public sealed class NommuSemanticsSpecs
{
    private const ulong Page = 4096;

    public static TheoryData<string> Configs => new() { "nommu", "nommu-orig" };

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_shared_mapping_inside_an_existing_region_shares_it_and_unmapping_one_user_keeps_it(string config)
    {
        using var mm = new NativeAddressSpace(config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapDirect | FileFlags.MapCopy));
        var a = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Shared, fd, 2));
        var b = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd, 3));

        Assert.True(a > 0, $"mmap returned {a}");
        Assert.Equal(a + (long)Page, b);
        var layout = mm.Snapshot();
        Assert.Equal(2, layout.Count);
        Assert.Equal(layout[0].RegionId, layout[1].RegionId);
        Assert.Equal(1UL, mm.GetStats().LiveRegions);

        mm.Trace(true);
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)a, 4 * Page)));
        var events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.RegionPut && e.Value == 1);
        Assert.DoesNotContain(events, e => e.Type == EventType.RegionFree);
        Assert.Equal(1UL, mm.GetStats().LiveRegions);
        Assert.Equal(0, mm.Validate());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_read_only_private_copy_is_shared_by_a_subset_and_refuses_an_overlap_with_einval(string config)
    {
        using var mm = new NativeAddressSpace(config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapCopy));
        var c = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, fd, 0));
        var before = mm.GetStats();

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, fd, 1)));
        var after = mm.GetStats();
        Assert.Equal(before.LiveVmas, after.LiveVmas);
        Assert.Equal(before.LiveRegions, after.LiveRegions);
        Assert.Equal(before.LiveFiles, after.LiveFiles);

        Assert.Equal(c + (long)Page, mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, fd, 1)));
        var layout = mm.Snapshot();
        Assert.Equal(layout[0].RegionId, layout[1].RegionId);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Munmap_follows_the_nommu_rules(string config)
    {
        using var mm = new NativeAddressSpace(config);
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapCopy));
        var file = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Private, fd, 0));
        var anon = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous));

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap((ulong)file, Page)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Munmap(0x7000_0000, Page)));
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)anon + Page, Page)));
        var layout = mm.Snapshot().Where(v => v.FileId == 0).ToList();
        Assert.Equal(2, layout.Count);
        Assert.NotEqual(layout[0].RegionId, layout[1].RegionId);
        Assert.Equal((ulong)anon + Page, layout[0].End);
        Assert.Equal((ulong)anon + 2 * Page, layout[1].Start);
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)anon + 3 * Page, Page)));
        Assert.Equal((ulong)anon + 3 * Page, mm.Snapshot().Single(v => v.Start == (ulong)anon + 2 * Page).End);
        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)file, 4 * Page)));
        Assert.Equal(0, mm.Validate());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void What_nommu_does_not_have_answers_with_the_kernels_errno(string config)
    {
        using var mm = new NativeAddressSpace(config);
        var anon = mm.Execute(Operation.Mmap(0, Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous));

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0x10_0000, Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)));
        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Mprotect((ulong)anon, Page, Prot.Read)));
        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Mbind((ulong)anon, Page, MpolMode.Bind)));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.Execute(Operation.Fault((ulong)anon, FaultFlags.Read)));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.GetVma((ulong)anon, out _, out _));
        Assert.False(mm.Config.Mmu);
        Assert.False(mm.Config.Spf);
        Assert.Equal(config == "nommu", mm.Config.SharedFree);
    }
}
