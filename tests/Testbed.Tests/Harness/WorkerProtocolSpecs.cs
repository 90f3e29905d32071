// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Worker;
using Testbed.Harness.Workloads;
using Xunit;

namespace Testbed.Tests.Harness;

public sealed class WorkerProtocolSpecs
{
    [Fact]
    public void The_ring_keeps_the_last_operations_of_each_thread_in_order()
    {
        var path = Path.Combine(Path.GetTempPath(), "testbed-ring-spec-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var ring = new OperationRing(path, threads: 2))
            {
                for (var i = 0; i < 20; i++)
                    ring.OnStart(0, i, Operation.Munmap(0x1000_0000 + (ulong)i * 0x1000, 0x1000));
                ring.OnStart(1, 0, Operation.Fault(0x1000_0008, FaultFlags.Write));
            }

            var lines = OperationRing.ReadLast(path);

            Assert.Equal(OperationRing.SlotsPerThread + 1, lines.Count);
            Assert.Equal("thread 0 #12: munmap(0x1000c000, 0x1000)", lines[0]);
            Assert.Equal("thread 0 #19: munmap(0x10013000, 0x1000)", lines[OperationRing.SlotsPerThread - 1]);
            Assert.Equal("thread 1 #0: fault(0x10000008, Write)", lines[^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(139, "", 11)]
    [InlineData(134, "", 6)]
    [InlineData(1, "==123==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000", 11)]
    [InlineData(66, "WARNING: ThreadSanitizer: data race (pid=1)", null)]
    public void A_dead_worker_is_diagnosed_from_its_exit_code_and_stderr(int exitCode, string stderr, int? signal)
    {
        var (found, reason) = ChildProcess.Diagnose(exitCode, stderr);

        Assert.Equal(signal, found);
        if (stderr.Length > 0)
            Assert.Equal(stderr, reason);
    }

    [Fact]
    public void Worker_options_are_immutable_and_become_worker_arguments()
    {
        var basic = new WorkerOptions("native", "mmu-spf", new Workload(WorkloadMix.FaultHeavy, 11, 4, 100));
        var crashing = basic.WithCrash("/lib/hook.so", 50, how: 1).WithDuration(TimeSpan.FromSeconds(2.5)).WithEnvironment("A", "b");

        Assert.Null(basic.CrashLibrary);
        Assert.Empty(basic.Environment);
        var args = string.Join(' ', crashing.Arguments("/tmp/ring"));
        Assert.Equal(
            "--backend native --config mmu-spf --mix fault-heavy --seed 11 --threads 4 --ops 100 --ring-file /tmp/ring --watch-stdin " +
            "--duration 2.5 --crash-library /lib/hook.so --crash-after 50 --crash-how 1", args);
        Assert.Equal("b", crashing.Environment["A"]);
    }

    [Fact]
    public void A_duration_cap_moves_the_hang_guard_past_it()
    {
        var basic = new WorkerOptions("native", "mmu-spf", new Workload(WorkloadMix.Mixed, 1, 8, 2_000_000_000));

        Assert.Equal(WorkerOptions.HangMargin, basic.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10) + WorkerOptions.HangMargin, basic.WithDuration(TimeSpan.FromSeconds(10)).Timeout);
        Assert.Equal(TimeSpan.FromSeconds(600) + WorkerOptions.HangMargin, basic.WithDuration(TimeSpan.FromSeconds(600)).Timeout);
        Assert.Equal(TimeSpan.FromHours(2), basic.WithTimeout(TimeSpan.FromHours(2)).WithDuration(TimeSpan.FromSeconds(600)).Timeout);
    }

    [Fact]
    public void The_worker_assembly_is_found_next_to_the_tests()
    {
        var path = WorkerLauncher.LocateAssembly(new WorkerOptions("native", "mmu", new Workload(WorkloadMix.Mixed, 1, 1, 1)));

        Assert.True(File.Exists(path));
        Assert.Equal(WorkerArguments.AssemblyFileName, Path.GetFileName(path));
        Assert.True(File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")), "testbed-worker.runtimeconfig.json must be copied too");
    }
}
