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
    [InlineData("6.12.118+deb12-amd64", MmFlags.MprotectUnaccountUnfaulted)]
    [InlineData("6.12", MmFlags.MprotectUnaccountUnfaulted)]
    [InlineData("6.18.44-fc-v1045", MmFlags.MprotectUnaccountUnfaulted)]
    [InlineData("7.0.1", MmFlags.MprotectUnaccountUnfaulted)]
    [InlineData("6.10.3", MmFlags.None)]
    [InlineData("6.11-rc1", MmFlags.None)]
    [InlineData("4.16.0-spf", MmFlags.None)]
    [InlineData("", MmFlags.None)]
    [InlineData("6", MmFlags.None)]
    public void A_6_1_guest_gets_the_next_first_merge_order_and_6_12_on_gets_6_12s_mprotect(string release, MmFlags expected)
    {
        Assert.Equal(expected, KernelRules.For(release));
    }

    [Fact]
    public void The_report_names_each_rule_the_model_follows()
    {
        Assert.Equal("4.16's mmap merge order (prev first)", KernelRules.Describe(MmFlags.None));
        Assert.Equal("6.1's mmap merge order (next first)", KernelRules.Describe(MmFlags.MmapMergeNextFirst));
        Assert.Equal("4.16's mmap merge order (prev first); 6.12's mprotect (unaccounts an unwritten anon VMA)",
            KernelRules.Describe(MmFlags.MprotectUnaccountUnfaulted));
    }
}
