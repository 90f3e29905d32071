// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Managed.Kernel;
using Testbed.Managed.Mm;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>The get_vma/put_vma protocol: a held VMA outlives munmap; the last put frees it.</summary>
public sealed class RefcountSpecs
{
    [Fact]
    public void A_vma_held_by_get_vma_survives_munmap_and_its_file_is_put_only_by_the_last_put()
    {
        // Arrange: a private file mapping, held by a reference
        using var mm = Create();
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.None));
        mm.Execute(Operation.Mmap(P(0), 4 * Page, Prot.Read, MapFlags.Private | MapFlags.Fixed, fd));
        Assert.Equal(0, mm.GetVma(P(1), out var reference, out var info));
        Assert.Equal(2, info.RefCount);
        mm.Trace(true);

        // Act 1: munmap takes it out of the tree
        Assert.Equal(0, mm.Execute(Operation.Munmap(P(0), 4 * Page)));

        // Assert 1: detached, still alive, file not put, validate accounts for the held VMA
        Assert.Equal(0, mm.VmaRefInfo(reference, out var held));
        Assert.False(held.InTree);
        Assert.Equal(1, held.RefCount);
        Assert.Equal(info.FileId, held.FileId);
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
        Assert.Equal(0UL, mm.GetStats().MapCount);
        Assert.DoesNotContain(mm.DrainEvents(), e => e.Type is EventType.FilePut or EventType.VmaFree);
        mm.AssertHealthy();

        // Act 2: the last put
        Assert.Equal(0, mm.PutVma(reference));

        // Assert 2: file put (back to the table's reference), then the VMA freed
        var events = mm.DrainEvents();
        Assert.Equal([EventType.FilePut, EventType.VmaFree], events.Select(e => e.Type));
        Assert.Equal(1, events[0].Value);
        Assert.Equal(0UL, mm.GetStats().LiveVmas);
        Assert.Equal(-Errno.EBADF, mm.VmaRefInfo(reference, out _));
        Assert.Equal(-Errno.EBADF, mm.PutVma(reference));
        mm.AssertHealthy();
    }

    [Fact]
    public void Using_a_vma_after_its_last_put_records_a_violation()
    {
        // Arrange: an mm driven directly, with `current` pointing at it
        var mm = new MmStruct(spf: true, new Testbed.Managed.ManagedOptions());
        var task = TaskStruct.Current;
        var saved = task.Mm;
        task.Mm = mm;
        try
        {
            mm.MmapSem.DownWrite();
            Assert.Equal((long)P(0), mm.DoMmap(null, P(0), 2 * Page, Prot.Read, MapFlags.Private | MapFlags.Fixed | MapFlags.Anonymous, 0));
            mm.MmapSem.UpWrite();
            var vma = mm.GetVma(P(0))!;
            mm.MmapSem.DownWrite();
            mm.DoMunmap(P(0), 2 * Page);
            mm.MmapSem.UpWrite();
            mm.PutVma(vma);
            Assert.True(vma.IsFreed);
            Assert.Empty(mm.Violations());

            // Act: one put too many
            mm.PutVma(vma);

            // Assert
            Assert.Contains(mm.Violations(), v => v.Message.Contains("use after free"));
        }
        finally
        {
            task.Mm = saved;
        }
    }

    [Fact]
    public void Get_vma_is_not_supported_without_spf_and_finds_nothing_above_the_last_vma()
    {
        using var mmu = Create("mmu");
        using var spf = Create();
        spf.MapFixed(0, 1, Prot.Read);

        Assert.Equal(-Errno.EOPNOTSUPP, mmu.GetVma(P(0), out _, out _));
        Assert.Equal(-Errno.ENOENT, spf.GetVma(P(1), out _, out _));
        Assert.Equal(0, spf.GetVma(0, out var r, out var info));
        Assert.Equal(P(0), info.Start);
        Assert.Equal(0, spf.PutVma(r));
    }

    [Fact]
    public void The_reference_table_fills_up_with_enospc()
    {
        using var mm = Create();
        mm.MapFixed(0, 1, Prot.Read);
        for (var i = 0; i < 256; i++)
            Assert.Equal(0, mm.GetVma(P(0), out _, out _));

        Assert.Equal(-Errno.ENOSPC, mm.GetVma(P(0), out _, out _));

        Assert.Equal(257, mm.Snapshot()[0].RefCount);
    }
}
