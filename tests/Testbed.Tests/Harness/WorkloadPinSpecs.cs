// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

/// <summary>
/// The streams are a pure function of (mix, seed, thread, refs): every replay
/// command ever printed depends on it. The hashes were taken from the list-based
/// generator before streams were generated lazily, so they hold the lazy one to
/// the very same items; re-taken once when the mixes' mmaps gained MAP_GROWSDOWN
/// stacks (issue 21), which changed the streams on purpose.
/// </summary>
public sealed class WorkloadPinSpecs
{
    public static TheoryData<WorkloadMix, ulong, int, bool, int, int, string> Pins() => new()
    {
        // mix, seed, thread, refs, ops per thread, items hashed, FNV-1a of those items
        { WorkloadMix.Mixed, 1, 0, true, 20_000, 20_000, "fa9b9949c53f37f5" },
        { WorkloadMix.FaultHeavy, 42, 3, true, 20_000, 20_000, "63a6f6d9a9193da3" },
        { WorkloadMix.MunmapStorm, 7, 1, false, 20_000, 20_000, "81afacec5d03caeb" },
        { WorkloadMix.MprotectChurn, 3, 2, true, 20_000, 20_000, "98763e8326ce9abf" },
        { WorkloadMix.NommuSharedFile, 5, 0, false, 20_000, 20_000, "ddce762d27720f82" },
        // The same first items when the stream is as long as --ops allows.
        { WorkloadMix.Mixed, 1, 0, true, int.MaxValue, 20_000, "fa9b9949c53f37f5" },
        { WorkloadMix.NommuSharedFile, 5, 0, false, int.MaxValue, 20_000, "ddce762d27720f82" },
        // A whole short stream, trailing put_vmas included.
        { WorkloadMix.Mixed, 11, 1, true, 997, int.MaxValue, "1d8ee21ac0957dc5" },
    };

    [Theory]
    [MemberData(nameof(Pins))]
    public void A_stream_yields_the_items_the_list_based_generator_produced(
        WorkloadMix mix, ulong seed, int thread, bool refs, int ops, int hashed, string expected)
    {
        var stream = new Workload(mix, seed, thread + 1, ops).Stream(thread, refs);

        Assert.Equal(expected, StreamHash.Of(stream.Take(hashed)));
    }
}
