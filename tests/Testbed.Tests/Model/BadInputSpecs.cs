// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>Every operation rejects bad input with the errno of docs/model.md, in its order, and changes nothing.</summary>
public sealed class BadInputSpecs
{
    private const MapFlags PA = MapFlags.Private | MapFlags.Anonymous;

    /// <summary>One bad operation and its errno, on every (backend, config).</summary>
    public static IEnumerable<object[]> Cases => AllWith(
        [Operation.Mmap(0, Page, R, PA | (MapFlags)0x1000), -Errno.EINVAL],
        [Operation.Mmap(0, Page, (Prot)8, PA), -Errno.EINVAL],
        [Operation.Mmap(0, 0, R, PA), -Errno.EINVAL],
        [Operation.Mmap(0, Page, R, MapFlags.Anonymous), -Errno.EINVAL],
        [Operation.Mmap(0, Page, R, PA | MapFlags.Shared), -Errno.EINVAL],
        [Operation.Mmap(P(0) + 1, Page, R, PA | MapFlags.Fixed), -Errno.EINVAL],
        [Operation.Mmap(0, ulong.MaxValue, R, PA), -Errno.ENOMEM],
        [Operation.Mmap(0, TaskSize + 1, R, PA), -Errno.ENOMEM],
        [Operation.Mmap(0, Page, R, MapFlags.Private, 0, ulong.MaxValue), -Errno.EOVERFLOW],
        [Operation.Mmap(0, Page, R, MapFlags.Private, 7), -Errno.EBADF],
        [Operation.Mmap(TaskSize - Page, 2 * Page, R, PA | MapFlags.Fixed), -Errno.ENOMEM],
        [Operation.Mmap(0x1000, Page, R, PA | MapFlags.Fixed), -Errno.EPERM],
        [Operation.Mmap(0, TaskSize, R, PA), -Errno.ENOMEM],
        [Operation.Munmap(P(0) + 1, Page), -Errno.EINVAL],
        [Operation.Munmap(P(0), 0), -Errno.EINVAL],
        [Operation.Munmap(TaskSize + Page, Page), -Errno.EINVAL],
        [Operation.Munmap(TaskSize - Page, 2 * Page), -Errno.EINVAL],
        [Operation.Munmap(0, ulong.MaxValue), -Errno.EINVAL],
        [Operation.Mprotect(P(0) + 1, Page, R), -Errno.EINVAL],
        [Operation.Mprotect(P(0), Page, (Prot)8), -Errno.EINVAL],
        [Operation.Mprotect(P(0), 0, R), -Errno.EINVAL],
        [Operation.Mprotect(TaskSize - Page, 2 * Page, R), -Errno.ENOMEM],
        [Operation.Mprotect(P(0), Page, R), -Errno.ENOMEM],
        [Operation.Mbind(P(0), Page, (MpolMode)4), -Errno.EINVAL],
        [Operation.Mbind(P(0) + 1, Page, MpolMode.Bind), -Errno.EINVAL],
        [Operation.Mbind(P(0), 0, MpolMode.Bind), -Errno.EINVAL],
        [Operation.Mbind(TaskSize - Page, 2 * Page, MpolMode.Bind), -Errno.EINVAL],
        [Operation.Mbind(P(0), Page, MpolMode.Bind), -Errno.EFAULT],
        [Operation.Fault(P(0), (FaultFlags)0x10), -Errno.EINVAL],
        [Operation.Fault(TaskSize, FaultFlags.Read), -Errno.EFAULT],
        [Operation.Fault(P(0), FaultFlags.Read), -Errno.EFAULT],
        [Operation.FileOpen(Page, (FileFlags)4), -Errno.EINVAL],
        [Operation.FileOpen(0, FileFlags.None), -Errno.EINVAL],
        [Operation.FileOpen(Page + 1, FileFlags.None), -Errno.EINVAL],
        [Operation.FileClose(3), -Errno.EBADF],
        [Operation.FileClose(-1), -Errno.EBADF],
        [new Operation(OpKind.Exit, 0, 0, Prot.None, 0, -1, 0), -Errno.EINVAL]);

    [Theory, MemberData(nameof(Cases))]
    public void Bad_arguments_get_the_specified_errno_and_change_nothing(string backend, string config, Operation op, int errno)
    {
        using var mm = Create(backend, config);

        var result = mm.Execute(op);

        Assert.Equal(errno, result);
        Assert.Empty(mm.Snapshot());
        // Nothing is left allocated (mbind's mpol_new template comes and goes, as in 4.16).
        var s = mm.GetStats();
        Assert.Equal(0UL, s.LiveVmas + s.LiveFiles + s.LiveMempolicies + s.LiveAnonVmas);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_file_table_fills_up_with_emfile_and_hands_out_the_lowest_free_fd(string backend, string config)
    {
        using var mm = Create(backend, config);
        for (var i = 0; i < 64; i++)
            Assert.Equal(i, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));

        Assert.Equal(-Errno.EMFILE, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));
        Assert.Equal(0, mm.Execute(Operation.FileClose(5)));
        Assert.Equal(5, mm.Execute(Operation.FileOpen(Page, FileFlags.None)));
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Unknown_references_are_ebadf_and_an_unknown_cache_is_einval(string backend)
    {
        using var mm = Create(backend, "mmu-spf");

        Assert.Equal(-Errno.EBADF, mm.VmaRefInfo(12345, out _));
        Assert.Equal(-Errno.EBADF, mm.PutVma(0));
        Assert.Equal(-Errno.EINVAL, mm.InjectAllocFailure((CacheKind)9, 1));
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void The_reference_table_fills_up_with_enospc(string backend)
    {
        using var mm = Create(backend, "mmu-spf");
        Ok(mm.MapAnon(0, 1, R), "mmap");
        for (var i = 0; i < 256; i++)
            Assert.Equal(0, mm.GetVma(P(0), out _, out _));

        Assert.Equal(-Errno.ENOSPC, mm.GetVma(P(0), out _, out _));

        Assert.Equal(257, mm.Snapshot()[0].RefCount);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Config_info_reports_the_fixed_constants(string backend, string config)
    {
        using var mm = Create(backend, config);

        var registry = ConfigRegistry.Get(config);
        // The capabilities have their own spec (CapabilitySpecs).
        Assert.Equal(new ConfigInfo(config, registry.Mmu, registry.Spf, false, 0, Page, TaskSize, 0x10000, MmapBase, mm.Config.Caps), mm.Config);
        Assert.Equal(backend, mm.Backend);
    }
}
