// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// The kernel the 6.12 comparison boots: Debian's linux-image-6.12-amd64, fetched once by
/// scripts/qemu/debian-kernel.sh (apt-get download, unpacked under build/kernel/debian/, never
/// installed). When it cannot be fetched, the test fails and says why.
/// </summary>
internal static class Debian612Kernel
{
    /// <summary>The image's path; fails the test with the script's reason when there is none.</summary>
    public static async Task<string> RequireAsync()
    {
        try
        {
            return await DebianKernel.ResolveAsync("6.12");
        }
        catch (InvalidOperationException e)
        {
            Assert.Fail($"Debian's 6.12 kernel cannot be had here, so the comparison with 6.12 cannot run: {e.Message}");
            throw;
        }
    }
}
