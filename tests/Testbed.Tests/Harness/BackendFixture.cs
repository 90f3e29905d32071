// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>Requires both backends for a config: a missing one fails the test, it never skips it.</summary>
internal static class BackendFixture
{
    public static readonly string[] MmuConfigs = ["mmu-spf", "mmu"];

    public static TheoryData<string> Configs() => new(MmuConfigs);

    public static TheoryData<string, string> BackendsAndConfigs()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in AddressSpaceFactory.Backends)
        {
            foreach (var config in MmuConfigs)
                data.Add(backend, config);
        }

        return data;
    }

    public static void RequireBoth(AddressSpaceFactory factory, string config)
    {
        foreach (var backend in AddressSpaceFactory.Backends)
            Assert.True(factory.IsAvailable(backend, config), $"{backend}/{config} is not available (native libraries built? managed port merged?)");
    }
}
