// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>Every member rejects bad input with the errno the brief fixes, in its order.</summary>
public sealed class BadInputSpecs
{
    private const ulong TaskSize = 0x7ffffffff000UL;
    private const MapFlags PA = MapFlags.Private | MapFlags.Anonymous;

    public static TheoryData<Operation, int> Cases => new()
    {
        { Operation.Mmap(0, Page, Prot.Read, PA | (MapFlags)0x1000), -Errno.EINVAL },
        { Operation.Mmap(0, Page, (Prot)8, PA), -Errno.EINVAL },
        { Operation.Mmap(0, 0, Prot.Read, PA), -Errno.EINVAL },
        { Operation.Mmap(0, Page, Prot.Read, MapFlags.Anonymous), -Errno.EINVAL },
        { Operation.Mmap(0, Page, Prot.Read, PA | MapFlags.Shared), -Errno.EINVAL },
        { Operation.Mmap(P(0) + 1, Page, Prot.Read, PA | MapFlags.Fixed), -Errno.EINVAL },
        { Operation.Mmap(0, ulong.MaxValue, Prot.Read, PA), -Errno.ENOMEM },
        { Operation.Mmap(0, TaskSize + 1, Prot.Read, PA), -Errno.ENOMEM },
        { Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, 0, ulong.MaxValue), -Errno.EOVERFLOW },
        { Operation.Mmap(0, Page, Prot.Read, MapFlags.Private, 7), -Errno.EBADF },
        { Operation.Mmap(TaskSize - Page, 2 * Page, Prot.Read, PA | MapFlags.Fixed), -Errno.ENOMEM },
        { Operation.Mmap(0x1000, Page, Prot.Read, PA | MapFlags.Fixed), -Errno.EPERM },
        { Operation.Mmap(0, TaskSize, Prot.Read, PA), -Errno.ENOMEM },
        { Operation.Munmap(P(0) + 1, Page), -Errno.EINVAL },
        { Operation.Munmap(P(0), 0), -Errno.EINVAL },
        { Operation.Munmap(TaskSize + Page, Page), -Errno.EINVAL },
        { Operation.Munmap(TaskSize - Page, 2 * Page), -Errno.EINVAL },
        { Operation.Munmap(0, ulong.MaxValue), -Errno.EINVAL },
        { Operation.Mprotect(P(0) + 1, Page, Prot.Read), -Errno.EINVAL },
        { Operation.Mprotect(P(0), Page, (Prot)8), -Errno.EINVAL },
        { Operation.Mprotect(P(0), 0, Prot.Read), -Errno.EINVAL },
        { Operation.Mprotect(TaskSize - Page, 2 * Page, Prot.Read), -Errno.ENOMEM },
        { Operation.Mprotect(P(0), Page, Prot.Read), -Errno.ENOMEM },
        { Operation.Mbind(P(0), Page, (MpolMode)4), -Errno.EINVAL },
        { Operation.Mbind(P(0) + 1, Page, MpolMode.Bind), -Errno.EINVAL },
        { Operation.Mbind(P(0), 0, MpolMode.Bind), -Errno.EINVAL },
        { Operation.Mbind(TaskSize - Page, 2 * Page, MpolMode.Bind), -Errno.EINVAL },
        { Operation.Mbind(P(0), Page, MpolMode.Bind), -Errno.EFAULT },
        { Operation.Fault(P(0), (FaultFlags)0x10), -Errno.EINVAL },
        { Operation.Fault(TaskSize, FaultFlags.Read), -Errno.EFAULT },
        { Operation.Fault(P(0), FaultFlags.Read), -Errno.EFAULT },
        { Operation.FileOpen(Page, (FileFlags)4), -Errno.EINVAL },
        { Operation.FileOpen(0, FileFlags.None), -Errno.EINVAL },
        { Operation.FileOpen(Page + 1, FileFlags.None), -Errno.EINVAL },
        { Operation.FileClose(3), -Errno.EBADF },
        { Operation.FileClose(-1), -Errno.EBADF },
        { new Operation(OpKind.Exit, 0, 0, Prot.None, 0, -1, 0), -Errno.EINVAL },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_arguments_get_the_specified_errno_and_change_nothing(Operation op, int errno)
    {
        using var mm = Create();

        var result = mm.Execute(op);

        Assert.Equal(errno, result);
        Assert.Empty(mm.Snapshot());
        // Nothing is left allocated (mbind's mpol_new template comes and goes, as in 4.16).
        var s = mm.GetStats();
        Assert.Equal(0UL, s.LiveVmas + s.LiveFiles + s.LiveMempolicies + s.LiveAnonVmas);
    }

    [Fact]
    public void The_file_table_fills_up_with_emfile_and_hands_out_the_lowest_free_fd()
    {
        using var mm = Create();
        for (var i = 0; i < 64; i++)
            Assert.Equal(i, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));

        Assert.Equal(-Errno.EMFILE, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));
        Assert.Equal(0, mm.Execute(Operation.FileClose(5)));
        Assert.Equal(5, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));
    }

    [Fact]
    public void A_disposed_address_space_answers_ebadf_and_bad_refs_are_ebadf()
    {
        var mm = Create();
        Assert.Equal(-Errno.EBADF, mm.VmaRefInfo(12345, out _));
        Assert.Equal(-Errno.EBADF, mm.PutVma(0));
        Assert.Equal(-Errno.EINVAL, mm.InjectAllocFailure((CacheKind)9, 1));
        mm.Dispose();

        Assert.Equal(-Errno.EBADF, mm.Execute(Operation.Munmap(P(0), Page)));
        Assert.Equal(-Errno.EBADF, mm.GetVma(0, out _, out _));
        Assert.Equal(-Errno.EBADF, mm.InjectAllocFailure(CacheKind.Any, 1));
        Assert.Throws<ArgumentException>(() => new Testbed.Managed.ManagedAddressSpace("nommu-badfree"));
    }

    [Fact]
    public void Config_info_reports_the_fixed_constants()
    {
        using var mm = Create();

        Assert.Equal(new ConfigInfo("mmu-spf", true, true, false, 0, 4096, TaskSize, 0x10000, 0x7f0000000000), mm.Config);
        Assert.Equal("managed", mm.Backend);
    }
}
