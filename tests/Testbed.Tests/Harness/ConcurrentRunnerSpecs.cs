// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class ConcurrentRunnerSpecs
{
    public static TheoryData<string, string> BackendsAndConfigs() => BackendFixture.BackendsAndConfigs();

    /// <summary>Native runs go to a worker process (a crash fails this test only), managed runs stay here.</summary>
    [Theory]
    [MemberData(nameof(BackendsAndConfigs))]
    public async Task Concurrent_runs_end_clean_on_every_mix(string backend, string config)
    {
        var factory = AddressSpaceFactory.Default;
        Assert.True(factory.IsAvailable(backend, config), $"{backend}/{config} is not available");
        bool refs;
        using (var probe = factory.Create(backend, config))
            refs = probe.Config.VmaRefs;
        var dispatcher = new RunDispatcher(factory);

        foreach (var mix in WorkloadMixNames.All.Where(m => m.NeedsMmu()))
        {
            var workload = new Workload(mix, 77, 4, 3000);

            var result = await dispatcher.RunAsync(backend, config, workload);

            Assert.True(result.Clean,
                $"{workload} on {backend}/{config}: {result.ViolationCount} violation(s) {string.Join("; ", result.Violations)} " +
                $"leaks {string.Join("; ", result.Leaks)}; replay: {result.ReplayCommand}");
            Assert.Null(result.Crash);
            Assert.Equal(4L * 3000, result.Operations - CountTrailingPuts(workload, refs));
            Assert.True(result.Faults > 0);
            if (config == "mmu-spf")
                Assert.True(result.SpfSuccess > 0, "no speculative fault succeeded");
            else
                Assert.Equal(0UL, result.SpfAttempts);
        }
    }

    [Fact]
    public async Task A_native_run_in_a_worker_process_reports_the_same_kind_of_result()
    {
        var dispatcher = new RunDispatcher(AddressSpaceFactory.Default);
        var workload = new Workload(WorkloadMix.FaultHeavy, 5, 2, 2000);

        var result = await dispatcher.RunAsync(AddressSpaceFactory.Native, "mmu-spf", workload);

        Assert.Null(result.Crash);
        Assert.True(result.Clean, string.Join("; ", result.Violations.Concat(result.Leaks)));
        Assert.Equal("native", result.Backend);
        Assert.Equal(5UL, result.Seed);
        Assert.True(result.Operations >= 2 * 2000);
    }

    private static long CountTrailingPuts(Workload workload, bool refs) =>
        workload.Streams(refs).Sum(s => (long)s.Count() - workload.OpsPerThread);
}
