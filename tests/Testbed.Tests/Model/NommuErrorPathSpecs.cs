// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>Every do_mmap error path, driven by allocation-failure injection or by the arguments, leaks nothing.</summary>
public sealed class NommuErrorPathSpecs
{
    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void A_failed_region_allocation_returns_enomem_and_leaks_nothing(string backend, string config)
    {
        using var mm = Prepared(backend, config, out var fd);
        mm.InjectAllocFailure(CacheKind.Region, 1);

        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd)));
        var events = mm.DrainEvents();
        Assert.DoesNotContain(events, e => e.Type is EventType.RegionAlloc or EventType.VmaAlloc);
        AssertNothingLive(mm, openFiles: 1);
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void A_failed_vma_allocation_frees_the_region_and_leaks_nothing(string backend, string config)
    {
        using var mm = Prepared(backend, config, out var fd);
        mm.InjectAllocFailure(CacheKind.Vma, 1);

        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Shared, fd)));
        var events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.RegionAlloc);
        Assert.Contains(events, e => e.Type == EventType.RegionFree);
        AssertNothingLive(mm, openFiles: 1);
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void A_sharing_violation_after_both_file_references_were_taken_drops_them_and_leaks_nothing(string backend, string config)
    {
        using var mm = Prepared(backend, config, out _);
        var copy = (int)mm.Execute(Operation.FileOpen(8 * Page, FileFlags.MapCopy));
        var first = mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, copy));
        mm.DrainEvents();

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 2 * Page, Prot.Read, MapFlags.Private, copy, 1)));
        var events = mm.DrainEvents();
        Assert.Equal(3, events.Count(e => e.Type == EventType.FileGet));
        Assert.Equal(3, events.Count(e => e.Type == EventType.FilePut));
        Assert.Contains(events, e => e.Type == EventType.VmaFree);
        Assert.Contains(events, e => e.Type == EventType.RegionFree);

        Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)first, 2 * Page)));
        AssertNothingLive(mm, openFiles: 2);
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void A_direct_mapping_beyond_eof_fails_after_the_file_references_and_leaks_nothing(string backend, string config)
    {
        using var mm = Prepared(backend, config, out var fd);

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read, MapFlags.Shared, fd, 14)));
        var events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.VmaFree);
        AssertNothingLive(mm, openFiles: 1);
    }

    [Theory]
    [MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void Every_allocation_of_a_split_can_fail_without_changing_the_layout(string backend, string config)
    {
        for (var k = 1UL; k <= 2; k++)
        {
            using var mm = Prepared(backend, config, out _);
            var anon = mm.Execute(Operation.Mmap(0, 4 * Page, Prot.Read, MapFlags.Private | MapFlags.Anonymous));
            var before = mm.Snapshot();
            mm.InjectAllocFailure(CacheKind.Any, k);

            Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Munmap((ulong)anon + Page, Page)));
            Assert.Equal(before, mm.Snapshot());
            Assert.Equal(0, mm.Execute(Operation.Munmap((ulong)anon, 4 * Page)));
            AssertNothingLive(mm, openFiles: 1);
        }
    }

    private static IAddressSpace Prepared(string backend, string config, out int fd)
    {
        var mm = Create(backend, config);
        fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.MapDirect | FileFlags.MapCopy));
        mm.Trace(true);
        return mm;
    }

    private static void AssertNothingLive(IAddressSpace mm, ulong openFiles)
    {
        var stats = mm.GetStats();
        Assert.Equal(0UL, stats.LiveVmas);
        Assert.Equal(0UL, stats.LiveRegions);
        Assert.Equal(openFiles, stats.LiveFiles);
        Assert.Equal(0UL, stats.Violations);
        Assert.Equal(0, mm.Validate());
    }
}
