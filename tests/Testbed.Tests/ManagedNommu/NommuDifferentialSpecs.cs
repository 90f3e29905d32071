// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;
using Testbed.Managed;
using Xunit;
using Xunit.Abstractions;

namespace Testbed.Tests.ManagedNommu;

/// <summary>
/// The managed port's nommu configs against the native libraries, operation by
/// operation (result, Snapshot, GetStats, lifecycle events), with and without
/// allocation-failure injection.
/// </summary>
public sealed class NommuDifferentialSpecs(ITestOutputHelper output)
{
    public static TheoryData<string> Configs => new() { "nommu", "nommu-orig" };

    /// <summary>One compared run; returns it and the allocations the managed mm made.</summary>
    private static (DifferentialResult Result, ulong Allocations, ulong Injected) RunOne(string config, ulong seed, int ops, CacheKind? cache = null, ulong nth = 0)
    {
        using var native = new NativeAddressSpace(config);
        using var managed = new ManagedAddressSpace(config);
        if (cache is { } c)
        {
            Assert.Equal(0, native.InjectAllocFailure(c, nth));
            Assert.Equal(0, managed.InjectAllocFailure(c, nth));
        }
        var result = SequentialDifferential.Run(native, managed, new Workload(WorkloadMix.NommuSharedFile, seed, 1, ops));
        Assert.True(result.Agreed, result.Describe() + (cache is null ? "" : $"\n  injected: {cache} nth {nth}"));
        Assert.Equal(native.GetStats(), managed.GetStats());
        Assert.Equal(0, native.Validate());
        Assert.Equal(0, managed.Validate());
        var stats = managed.GetStats();
        return (result, stats.Allocations, stats.InjectedFailures);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Native_and_managed_agree_over_many_seeds_of_the_nommu_shared_file_mix(string config)
    {
        var total = 0;
        for (ulong seed = 1; seed <= 60; seed++)
            total += RunOne(config, seed, 100).Result.OperationsCompared;

        output.WriteLine($"{config}: 60 seeds, {total} operations compared");
        Assert.True(total >= 5_000, $"only {total} operations compared");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Native_and_managed_agree_when_each_allocation_in_turn_fails(string config)
    {
        var total = 0;
        var injected = 0UL;
        for (ulong seed = 100; seed < 106; seed++)
        {
            var allocations = RunOne(config, seed, 30).Allocations;
            for (ulong k = 1; k <= allocations; k++)
            {
                var cache = (k % 4) switch { 0 => CacheKind.Region, 1 => CacheKind.Any, 2 => CacheKind.Vma, _ => CacheKind.File };
                var run = RunOne(config, seed, 30, cache, cache == CacheKind.Any ? k : (k + 3) / 4);
                total += run.Result.OperationsCompared;
                injected += run.Injected;
            }
        }

        output.WriteLine($"{config}: {total} operations compared, {injected} injected allocation failures");
        Assert.True(injected >= 100, $"only {injected} allocations failed on purpose");
        Assert.True(total >= 3_000, $"only {total} operations compared under injection");
    }
}
