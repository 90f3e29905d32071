// SPDX-License-Identifier: GPL-2.0-only
using Xunit;
using Testbed.Interop;

namespace Testbed.Tests.Interop;

public sealed class NativeLibraryResolverSpecs
{
    [Fact]
    public void A_missing_library_is_reported_with_its_path_and_the_build_command()
    {
        // Arrange
        var empty = Directory.CreateTempSubdirectory("testbed-nolib-");
        try
        {
            // Act
            var error = Assert.Throws<DllNotFoundException>(() => NativeLibraryResolver.Load("mmu-spf", empty.FullName));

            // Assert
            Assert.Contains(Path.Combine(empty.FullName, "libtestbed-mmu-spf.so"), error.Message);
            Assert.Contains("make -C native", error.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void Each_config_maps_to_its_own_library_file()
    {
        // Arrange
        var configs = TestbedConfigs.All;

        // Act
        var paths = configs.Select(c => Path.GetFileName(NativeLibraryResolver.PathOf(c))).ToArray();

        // Assert
        Assert.Equal(["libtestbed-mmu-spf.so", "libtestbed-mmu.so", "libtestbed-mmu-spf-rcu.so", "libtestbed-mmu-pvl.so",
            "libtestbed-mmu-vmrefcnt.so", "libtestbed-mmu-spf-v9.so", "libtestbed-nommu.so", "libtestbed-nommu-orig.so", "libtestbed-nommu-badfree.so", "libtestbed-mmu-rcu-nogp.so",
            "libtestbed-mmu-pvl-noseq.so"], paths);
        Assert.Equal(["mmu-spf", "mmu", "mmu-spf-rcu", "mmu-pvl", "mmu-vmrefcnt", "mmu-spf-v9", "nommu", "nommu-orig", "nommu-badfree", "mmu-rcu-nogp",
             "mmu-pvl-noseq"],
            [MmuSpfApi.ConfigName, MmuApi.ConfigName, MmuSpfRcuApi.ConfigName, MmuPvlApi.ConfigName, MmuVmrefcntApi.ConfigName, MmuSpfV9Api.ConfigName, NommuApi.ConfigName,
             NommuOrigApi.ConfigName, NommuBadfreeApi.ConfigName, MmuRcuNogpApi.ConfigName, MmuPvlNoseqApi.ConfigName]);
    }

    [Fact]
    public void The_release_libraries_are_copied_next_to_the_test_assembly()
    {
        // Arrange
        var folder = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location)!;

        // Act
        var present = Directory.GetFiles(folder, "libtestbed-*.so").Select(Path.GetFileName).ToHashSet();

        // Assert
        Assert.Contains("libtestbed-mmu-spf.so", present);
        Assert.Contains("libtestbed-mmu.so", present);
    }
}
