// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// The port drift check: over seeded sequences on every MMU config, native and managed must
/// record the same lifecycle and order events (write sections, anon_vma links, lock
/// acquisitions and releases) in the same order after every operation, not only the same
/// multiset or the same final state. A failure prints the seed and the replay command.
/// </summary>
public sealed class EventOrderSpecs
{
    private const int Seeds = 3;
    private const int Ops = 2000;

    public static TheoryData<string, string> ConfigsAndMixes()
    {
        var data = new TheoryData<string, string>();
        foreach (var config in ConfigRegistry.All.Where(c => c.Mmu && !c.TestOnly))
        {
            foreach (var mix in WorkloadMixNames.All.Where(m => m.NeedsMmu()))
                data.Add(config.Name, mix.Name());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigsAndMixes))]
    public void Native_and_managed_take_the_same_steps_in_the_same_order(string config, string mix)
    {
        var factory = AddressSpaceFactory.Default;
        BackendFixture.RequireBoth(factory, config);
        var parsed = WorkloadMixNames.Parse(mix);

        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            using var native = factory.Create(AddressSpaceFactory.Native, config);
            using var managed = factory.Create(AddressSpaceFactory.Managed, config);

            var result = SequentialDifferential.Run(native, managed, new Workload(parsed, seed, 1, Ops));

            Assert.True(result.Agreed, result.Describe());
        }
    }

    [Fact]
    public void The_same_events_in_another_order_are_an_order_divergence_and_other_events_are_not()
    {
        var begin = new LifecycleEvent(1, 7, 3, 1, EventType.VmaWriteBegin, OpKind.Mmap);
        var link = new LifecycleEvent(2, 7, 9, 2, EventType.AnonVmaLink, OpKind.Mmap);
        LifecycleEvent[] cOrder = [begin, link with { Seq = 2 }];
        LifecycleEvent[] drifted = [link with { Seq = 1 }, begin with { Seq = 2 }];

        Assert.True(StateDiff.SameEventsReordered(cOrder, drifted));
        Assert.False(StateDiff.SameEventsReordered(cOrder, cOrder));
        Assert.False(StateDiff.SameEventsReordered(cOrder, [begin]));
        Assert.False(StateDiff.SameEventsReordered(cOrder, [begin, link with { Value = 3 }]));
    }
}
