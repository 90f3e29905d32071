// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Execution;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// Workloads stream: items are generated as they are consumed and a runner keeps
/// only what later items name, so memory does not grow with --ops or --duration.
/// </summary>
public sealed class WorkloadStreamSpecs
{
    private const int Consumed = 200_000;

    /// <summary>What one thread may allocate over <see cref="Consumed"/> items: a few objects, nothing per item.</summary>
    private const long AllocationBound = 64 * 1024;

    public static TheoryData<WorkloadMix> Mixes() => new(WorkloadMixNames.All);

    [Theory]
    [MemberData(nameof(Mixes))]
    public void A_stream_of_int_MaxValue_operations_allocates_nothing_per_item(WorkloadMix mix)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var stream = new Workload(mix, 3, 8, int.MaxValue).Stream(7, refs: mix.NeedsMmu());
        var consumed = 0;
        foreach (var item in stream)
        {
            if (++consumed == Consumed)
                break;
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBound);
    }

    [Theory]
    [MemberData(nameof(Mixes))]
    public void An_executor_keeps_only_the_results_later_items_name(WorkloadMix mix)
    {
        var caps = mix.NeedsMmu() ? Capabilities.GetVma : Capabilities.None;
        var config = new ConfigInfo("counting", mix.NeedsMmu(), mix.NeedsMmu(), false, 0, 4096, 1UL << 47, 0x10000, CountingSpace.MmapAddress, caps);
        using var space = new CountingSpace(config);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var executor = new StreamExecutor(space);
        var most = 0;
        foreach (var item in new Workload(mix, 4, 1, int.MaxValue).Stream(0, refs: mix.NeedsMmu()))
        {
            executor.Run(item);
            most = Math.Max(most, executor.KeptResults);
            if (executor.Position == Consumed)
                break;
        }

        Assert.Equal(Consumed, space.Operations);
        Assert.InRange(most, mix.NeedsMmu() ? 0 : 1, Workload.MaxLiveNommuMappings);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, AllocationBound);
    }

    [Fact]
    public void Enumerating_a_stream_again_starts_again_from_the_seed()
    {
        var stream = new Workload(WorkloadMix.Mixed, 8, 2, 3000).Stream(1, refs: true);

        Assert.Equal(StreamHash.Of(stream), StreamHash.Of(stream));
        Assert.Equal(stream.Take(100), stream.Take(100));
    }
}
