// SPDX-License-Identifier: GPL-2.0-only
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The kernel the 6.1 comparison boots: Debian 12's, found in /boot by its release rather
/// than taken as "the newest /boot/vmlinuz-*", so another installed kernel cannot change
/// what the test compares with. Missing, the test fails and says how to get it.
/// </summary>
internal static class Debian61Kernel
{
    private const string Boot = "/boot";

    /// <summary>The path of the newest /boot/vmlinuz-6.1.*; fails the test with a reason when there is none.</summary>
    public static string Require()
    {
        var found = Directory.Exists(Boot)
            ? Directory.GetFiles(Boot, "vmlinuz-6.1.*").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        Assert.True(found is not null,
            $"no Debian 6.1 kernel in {Boot} (vmlinuz-6.1.*): the comparison with 6.1 cannot run here; " +
            "install Debian 12's kernel (apt-get install linux-image-amd64 on bookworm) or run " +
            "`./scripts/testbed kernel --kernel PATH` by hand for another one");
        return found!;
    }
}
