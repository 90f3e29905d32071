// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Managed;
using Testbed.Tests.Interop;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// tb_config_info.caps says what a library can do, so nothing has to know configs
/// by name: get_vma works exactly where TB_CAP_GET_VMA is reported, on every
/// config of the registry (test-only ones included), and the managed port
/// reports what the native library does.
/// </summary>
public sealed class CapabilitySpecs
{
    public static TheoryData<string, string> EveryConfig()
    {
        var data = new TheoryData<string, string>();
        foreach (var config in ConfigRegistry.All)
        {
            data.Add(AddressSpaceFactory.Native, config.Name);
            if (!config.TestOnly)
                data.Add(AddressSpaceFactory.Managed, config.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryConfig))]
    public void Get_vma_works_exactly_where_the_config_reports_it(string backend, string config)
    {
        if (backend == AddressSpaceFactory.Native)
            NativeTestEnvironment.RequireLibrary(config);
        using IAddressSpace mm = backend == AddressSpaceFactory.Native ? new NativeAddressSpace(config) : new ManagedAddressSpace(config);
        var addr = mm.Execute(Operation.Mmap(0, Page, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous));
        Assert.True(addr > 0, $"mmap: {Errno.Format(addr)}");

        var got = mm.GetVma((ulong)addr, out var reference, out _);

        if (mm.Config.Caps.HasFlag(Capabilities.GetVma))
        {
            Assert.Equal(0, got);
            Assert.Equal(0, mm.VmaRefInfo(reference, out _));
            Assert.Equal(0, mm.PutVma(reference));
        }
        else
        {
            Assert.Equal(-Errno.EOPNOTSUPP, got);
            Assert.Equal(-Errno.EOPNOTSUPP, mm.VmaRefInfo(1, out _));
            Assert.Equal(-Errno.EOPNOTSUPP, mm.PutVma(1));
        }
    }

    [Theory]
    [InlineData("mmu-spf", true, Capabilities.GetVma | Capabilities.LocklessFaults)]
    [InlineData("mmu", false, Capabilities.None)]
    [InlineData("mmu-spf-rcu", true, Capabilities.LocklessFaults)]
    [InlineData("mmu-pvl", false, Capabilities.LocklessFaults)]
    [InlineData("mmu-vmrefcnt", false, Capabilities.LocklessFaults)]
    [InlineData("mmu-spf-v9", true, Capabilities.GetVma | Capabilities.LocklessFaults)]
    [InlineData("nommu", false, Capabilities.None)]
    public void The_spf_field_alone_does_not_tell_whether_get_vma_works(string config, bool spf, Capabilities caps)
    {
        NativeTestEnvironment.RequireLibrary(config);
        using var native = new NativeAddressSpace(config);
        using var managed = new ManagedAddressSpace(config);

        Assert.Equal((spf, caps), (native.Config.Spf, native.Config.Caps));
        Assert.Equal(native.Config.Caps, managed.Config.Caps);
    }
}
