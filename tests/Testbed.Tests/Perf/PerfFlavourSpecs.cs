// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;
using Testbed.Interop;
using Xunit;

namespace Testbed.Tests.Perf;

/// <summary>
/// The perf flavour (build/native/perf, checking compiled out) is the same model as the
/// checked one: both libraries of a config are loaded side by side and must agree.
/// </summary>
[Collection(CountsCollection.Name)]
public sealed class PerfFlavourSpecs
{
    private const string Perf = "perf";

    public static TheoryData<string> Configs() => new(AddressSpaceFactory.KnownConfigs);

    [Theory]
    [MemberData(nameof(Configs))]
    public void Perf_and_checked_builds_agree_on_every_result_layout_and_stat_over_the_sequential_differential(string config)
    {
        Assert.Contains(config, NativeConfigs.Available(Perf));
        var mmu = config.StartsWith("mmu", StringComparison.Ordinal);
        WorkloadMix[] mixes = mmu
            ? [.. WorkloadMixNames.All.Where(m => m.NeedsMmu())]
            : [WorkloadMix.NommuSharedFile, WorkloadMix.NommuSharedFile];
        var total = 0;

        foreach (var (mix, i) in mixes.Select((m, i) => (m, i)))
        {
            using var perf = new NativeAddressSpace(config, Perf);
            using var checkedBuild = new NativeAddressSpace(config);

            var result = SequentialDifferential.Run(checkedBuild, perf, new Workload(mix, 500 + (ulong)i, 1, 1500), compareEvents: false);

            Assert.True(result.Agreed, result.Describe());
            total += result.OperationsCompared;
        }

        Assert.True(total >= 3000, $"only {total} operations compared");
    }

    [Fact]
    public void The_perf_library_says_so_and_refuses_the_hook_the_event_log_and_the_counts()
    {
        var perf = NativeConfigs.GetConfig<MmuSpfPerfApi>();
        var checkedBuild = NativeConfigs.GetConfig<MmuSpfApi>();
        Assert.Equal((uint)Flavour.Perf, perf.Flavour);
        Assert.Equal((uint)Flavour.Checked, checkedBuild.Flavour);

        using var mm = new NativeAddressSpace("mmu-spf", Perf);
        var refused = Assert.ThrowsAny<TestbedErrnoException>(() => mm.Trace(true));
        Assert.Contains("tb_trace", refused.Message);
        Assert.ThrowsAny<TestbedErrnoException>(() => NativeConfigs.Counts<MmuSpfPerfApi>(OpKind.Fault));
    }

    [Theory]
    [InlineData("mmu-spf", 0, 2, 2, 2)]
    [InlineData("mmu", 2, 0, 2, 0)]
    public void A_fault_on_a_populated_page_writes_the_lines_its_design_says(string config, int mmapSem, int mmRbLock, int ptl, int vma)
    {
        using var mm = new NativeAddressSpace(config);
        Assert.Equal(0, mm.SetThreads(2));
        const ulong addr = 0x10000000;
        Assert.Equal((long)addr, mm.Execute(Operation.Mmap(addr, 4 * 4096, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)));
        Assert.True(mm.Execute(Operation.Fault(addr, FaultFlags.Write)) >= 0);
        Assert.True(mm.Execute(Operation.Fault(addr, FaultFlags.Read)) >= 0);

        var before = Counts(config);
        const int faults = 100;
        for (var i = 0; i < faults; i++)
            Assert.True(mm.Execute(Operation.Fault(addr, FaultFlags.Read)) >= 0);
        var after = Counts(config);

        // Counts are process-wide; the collection keeps other tests from faulting meanwhile.
        var ops = after.Ops - before.Ops;
        Assert.True(ops >= faults, $"{ops} faults counted");
        Assert.Equal((double)mmapSem, (double)(after.MmapSemWrites - before.MmapSemWrites) / ops, 1);
        Assert.Equal((double)mmRbLock, (double)(after.MmRbLockWrites - before.MmRbLockWrites) / ops, 1);
        Assert.Equal((double)ptl, (double)(after.PtlWrites - before.PtlWrites) / ops, 1);
        Assert.Equal((double)vma, (double)(after.VmaRmw - before.VmaRmw) / ops, 1);
    }

    private static TbOpCounts Counts(string config) => config == "mmu-spf"
        ? NativeConfigs.Counts<MmuSpfApi>(OpKind.Fault)
        : NativeConfigs.Counts<MmuApi>(OpKind.Fault);
}
