// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Worker;
using Testbed.Interop;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Interop;

/// <summary>
/// native/configs.mk is the one list of configs: the Makefile, the generated bindings, the
/// generator's settings, the factories and both backends' own reports must all agree with it.
/// </summary>
public sealed class ConfigRegistrySpecs
{
    [Fact]
    public async Task The_Makefile_builds_exactly_the_registry_configs()
    {
        // Act
        var make = await ChildProcess.RunCheckedAsync("make print-configs", "make",
            ["-s", "-C", Path.Combine(NativeTestEnvironment.RepoRoot, "native"), "print-configs"], TimeSpan.FromMinutes(2));

        // Assert
        Assert.Equal(ConfigRegistry.Names, make.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task The_perf_flavour_is_built_bound_and_present_for_exactly_the_shipped_configs()
    {
        // Act
        var make = await ChildProcess.RunCheckedAsync("make print-configs-perf", "make",
            ["-s", "-C", Path.Combine(NativeTestEnvironment.RepoRoot, "native"), "print-configs-perf"], TimeSpan.FromMinutes(2));

        // Assert: timings run only shipped configs, so no test-only config has a perf build
        Assert.Equal(ConfigRegistry.Shipped, make.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(ConfigRegistry.Shipped, NativeTestEnvironment.CheckedInOptions().FlavourConfigs);
        Assert.Equal(ConfigRegistry.Shipped, TestbedConfigs.FlavourConfigs);
        Assert.Equal(ConfigRegistry.Shipped, NativeConfigs.Available("perf"));
    }

    public static TheoryData<string> TestOnlyConfigs => new(ConfigRegistry.All.Where(c => c.TestOnly).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(TestOnlyConfigs))]
    public void A_test_only_config_has_no_perf_library_to_open(string config)
    {
        var refused = Assert.Throws<ArgumentException>(() => new NativeAddressSpace(config, "perf"));

        Assert.Contains($"no library of config '{config}' in flavour 'perf'", refused.Message);
    }

    [Fact]
    public void The_bindings_and_the_generator_settings_name_the_registry_configs()
    {
        Assert.Equal(ConfigRegistry.Names, TestbedConfigs.All);
        Assert.Equal(ConfigRegistry.Names, NativeTestEnvironment.CheckedInOptions().Configs);
    }

    [Fact]
    public void The_factories_offer_every_config_but_the_test_only_ones()
    {
        // Arrange
        var factory = AddressSpaceFactory.Default;

        // Act / Assert
        Assert.Equal(["mmu-spf", "mmu", "mmu-spf-rcu", "mmu-pvl", "mmu-vmrefcnt", "mmu-spf-v9", "nommu", "nommu-orig"], ConfigRegistry.Shipped);
        Assert.Equal(ConfigRegistry.Shipped, AddressSpaceFactory.KnownConfigs);
        Assert.Equal(ConfigRegistry.Shipped, factory.AvailableConfigs(AddressSpaceFactory.Managed));
        Assert.Equal(ConfigRegistry.Names, NativeAddressSpace.AvailableConfigs());
        Assert.Throws<ArgumentException>(() => new ManagedAddressSpace("nommu-badfree"));
    }

    public static TheoryData<string> Configs => new(ConfigRegistry.Names);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Each_library_reports_what_the_registry_says_it_is(string config)
    {
        // Arrange
        var expected = ConfigRegistry.Get(config);
        NativeTestEnvironment.RequireLibrary(config);

        // Act
        using var native = new NativeAddressSpace(config);

        // Assert
        Assert.Equal((expected.Name, expected.Mmu, expected.Spf, expected.SharedFree),
            (native.Config.Name, native.Config.Mmu, native.Config.Spf, native.Config.SharedFree));
        if (!expected.TestOnly)
        {
            using var managed = new ManagedAddressSpace(config);
            Assert.Equal(native.Config with { TestFlags = 0 }, managed.Config with { TestFlags = 0 });
        }
    }

    [Fact]
    public void The_registry_parser_rejects_an_unknown_model()
    {
        const string text = "TB_CONFIGS := x\nTB_TEST_CONFIGS :=\nTB_STRESS_CONFIGS :=\nTB_MODEL_x := vax\nTB_FLAGS_x :=\n";

        var e = Assert.Throws<FormatException>(() => ConfigRegistry.Parse(text));

        Assert.Contains("TB_MODEL_x", e.Message);
    }
}
