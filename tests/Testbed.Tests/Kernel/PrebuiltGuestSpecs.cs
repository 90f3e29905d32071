// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Kernel;
using Xunit;

namespace Testbed.Tests.Kernel;

/// <summary>
/// A tree with the built guest program but not its sources (the container image's
/// /opt/testbed/repo, which has no make or gcc) runs that guest as it is; a checkout builds it.
/// </summary>
public sealed class PrebuiltGuestSpecs
{
    [Fact]
    public async Task A_tree_with_the_built_guest_and_no_sources_uses_it_without_make()
    {
        var built = await GuestRunner.EnsureGuestBuiltAsync(RepoPaths.Root());
        var tree = Directory.CreateTempSubdirectory("testbed-prebuilt-guest-");
        try
        {
            var guest = RepoPaths.GuestBinary(tree.FullName);
            Directory.CreateDirectory(Path.GetDirectoryName(guest)!);
            File.Copy(built, guest);

            Assert.False(RepoPaths.HasGuestSources(tree.FullName));
            // No Makefile there: had make run, it would have failed (the next spec).
            Assert.Equal(guest, await GuestRunner.EnsureGuestBuiltAsync(tree.FullName));
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_tree_with_neither_the_guest_nor_its_sources_fails_to_build_it()
    {
        var tree = Directory.CreateTempSubdirectory("testbed-no-guest-");
        try
        {
            Directory.CreateDirectory(RepoPaths.GuestDir(tree.FullName));

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => GuestRunner.EnsureGuestBuiltAsync(tree.FullName));
            Assert.Contains("building the guest program failed", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }
}
