// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

public sealed class KernelRulesSpecs
{
    [Theory]
    [InlineData("6.1.0-57-amd64", MmFlags.MmapMergeNextFirst)]
    [InlineData("6.1.192", MmFlags.MmapMergeNextFirst)]
    [InlineData("6.18.44-fc-v1045", MmFlags.None)]
    [InlineData("6.10.3", MmFlags.None)]
    [InlineData("4.16.0-spf", MmFlags.None)]
    [InlineData("", MmFlags.None)]
    public void Only_a_6_1_guest_is_compared_with_the_next_first_merge_order(string release, MmFlags expected)
    {
        Assert.Equal(expected, KernelRules.For(release));
    }
}
