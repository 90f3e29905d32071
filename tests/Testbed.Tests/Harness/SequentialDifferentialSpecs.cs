// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;
using Testbed.Managed;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class SequentialDifferentialSpecs
{
    public static TheoryData<string> Configs() => BackendFixture.Configs();

    [Theory]
    [MemberData(nameof(Configs))]
    public void Native_and_managed_agree_on_every_result_layout_stat_and_event_over_ten_thousand_operations(string config)
    {
        var factory = AddressSpaceFactory.Default;
        BackendFixture.RequireBoth(factory, config);
        var mixes = WorkloadMixNames.All.Where(m => m.NeedsMmu()).ToArray();
        var total = 0;

        foreach (var (mix, i) in mixes.Select((m, i) => (m, i)))
        {
            using var native = factory.Create(AddressSpaceFactory.Native, config);
            using var managed = factory.Create(AddressSpaceFactory.Managed, config);

            var result = SequentialDifferential.RunToExit(native, managed, new Workload(mix, 1000 + (ulong)i, 1, 2600));

            Assert.True(result.Agreed, result.Describe());
            total += result.OperationsCompared;
        }

        Assert.True(total >= 10_000, $"only {total} operations compared");
    }

    [Fact]
    public void The_differential_reports_the_first_diverging_operation_with_seed_and_replay_command()
    {
        var broken = AddressSpaceFactory.Default.WithManagedOptions(new ManagedOptions { TestOnlyIgnoreAnonVmaInMerge = true });
        BackendFixture.RequireBoth(broken, "mmu");
        DifferentialResult? found = null;

        for (ulong seed = 1; seed <= 20 && found is null; seed++)
        {
            using var native = broken.Create(AddressSpaceFactory.Native, "mmu");
            using var managed = broken.Create(AddressSpaceFactory.Managed, "mmu");
            var result = SequentialDifferential.Run(native, managed, new Workload(WorkloadMix.MprotectChurn, seed, 1, 3000));
            if (!result.Agreed)
                found = result;
        }

        Assert.NotNull(found);
        var d = found.Divergence!;
        Assert.InRange(d.Index, 0, found.OperationsCompared);
        Assert.Equal(found.OperationsCompared, d.Index);
        var text = found.Describe();
        Assert.Contains($"seed {found.Workload.Seed}", text);
        Assert.Contains(d.Operation, text);
        Assert.Equal(
            $"./scripts/testbed compare --sequential-only --seed {found.Workload.Seed} --config mmu --mix mprotect-churn --sequential-ops 3000",
            found.ReplayCommand);
        Assert.Contains(found.ReplayCommand, text);
    }
}
