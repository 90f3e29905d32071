// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Backends;
using Testbed.Harness.Concurrent;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class CrashIsolationSpecs
{
    [Fact]
    public async Task A_crashing_native_worker_becomes_a_result_row_and_the_rest_of_the_batch_completes()
    {
        var crashSeed = 31UL;
        var dispatcher = new RunDispatcher(AddressSpaceFactory.Default)
        {
            ConfigureWorker = o => o.Workload.Seed == crashSeed ? o.WithCrash(CrashHook.Library, ops: 200, how: 1) : o,
        };
        var seeds = new[] { 30UL, crashSeed, 32UL };

        var results = new List<RunResult>();
        foreach (var seed in seeds)
            results.Add(await dispatcher.RunAsync(AddressSpaceFactory.Native, "mmu-spf", new Workload(WorkloadMix.Mixed, seed, 2, 1000)));

        var crashed = Assert.Single(results, r => r.Crash is not null);
        Assert.Equal(crashSeed, crashed.Seed);
        Assert.Equal(11, crashed.Crash!.Signal);
        Assert.NotEqual(0, crashed.Crash.ExitCode);
        Assert.Contains(crashed.Crash.LastOperations, line => line.StartsWith("thread 0 #199: ", StringComparison.Ordinal));
        Assert.Contains($"--seed {crashSeed}", crashed.ReplayCommand);
        Assert.All(results.Where(r => r.Crash is null), r => Assert.True(r.Clean && r.Operations >= 2000, r.ReplayCommand));
        Assert.Equal(2, results.Count(r => r.Crash is null));
    }
}
