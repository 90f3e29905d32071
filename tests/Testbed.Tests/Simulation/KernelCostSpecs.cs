// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Bench;
using Testbed.Harness.Simulation;
using Testbed.Harness.Worker;
using Xunit;

namespace Testbed.Tests.Simulation;

/// <summary>
/// The host kernel's own costs (native/bench's kernel mode) on the real kernel of this machine:
/// a positive cost of every kind each workload runs, bad input refused with a message and a
/// non-zero exit, and the calibration file keeps them through a write and a read.
/// </summary>
public sealed class KernelCostSpecs
{
    private static readonly string Driver = BenchDriver.Path;

    [Fact]
    public void The_kernel_mode_times_every_kind_each_workload_runs_on_the_real_kernel()
    {
        var costs = KernelCalibrator.Measure(Driver, BenchWorkloads.All, 256, 1);

        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), costs.Release);
        Assert.False(string.IsNullOrEmpty(costs.FileSystem));
        Assert.Equal(BenchWorkloads.All.Select(w => w.Name()), costs.Workloads.Select(w => w.Workload));
        foreach (var w in costs.Workloads)
        {
            string[] kinds = w.Workload is "single-vma" or "pft" ? ["Fault"] : ["Fault", "Mmap", "Munmap"];
            Assert.Equal(kinds, w.NsPerOp.Keys.Order(StringComparer.Ordinal));
            Assert.All(w.NsPerOp.Values, ns => Assert.True(ns > 0, $"{w.Workload}: {ns} ns"));
        }
        // page-fault1's munmap frees 32,768 pages, malloc1's one: the shapes are the workloads'.
        Assert.True(costs.For("page-fault1").NsPerOp["Munmap"] > costs.For("malloc1").NsPerOp["Munmap"]);
        // And a huge page's fault against 4 KiB ones: what each further 4 KiB of a bigger page adds.
        var zeroing = Assert.IsType<PageZeroing>(costs.Zeroing);
        Assert.True(zeroing.PerFurther4KiBNs > 0 && zeroing.HugeFaultNs > zeroing.Fault4KiBNs, $"{zeroing}");
        Assert.Equal(costs.Release, zeroing.Release);
    }

    [Fact]
    public void The_kernel_mode_times_malloc1_in_a_hole_between_two_written_chunks()
    {
        // At many threads malloc1's chunk merges with live, written neighbours: its fault finds
        // the anon_vma. A lone chunk's first fault prepares one, a path only one thread takes.
        var run = ChildProcess.Run(Driver, ["kernel", "-w", "malloc1", "-n", "30", "-r", "1"], TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"written_neighbours\":2", run.Stdout);
    }

    [Theory]
    [InlineData("unknown workload 'nope'", "kernel", "-w", "nope")]
    [InlineData("-n: '12x' is not a number", "kernel", "-w", "pft", "-n", "12x")]
    [InlineData("-n: '0' is not a number", "kernel", "-w", "pft", "-n", "0")]
    [InlineData("-n: at most", "kernel", "-w", "pft", "-n", "99999999")]
    [InlineData("-r: '65' is not a number", "kernel", "-w", "ebizzy", "-r", "65")]
    [InlineData("usage: bench", "kernel")]
    [InlineData("usage: bench", "kernel", "-w", "pft", "extra")]
    public void The_kernel_mode_refuses_bad_input(string message, params string[] arguments) =>
        BenchDriver.AssertRefuses(message, arguments);

    [Fact]
    public void A_calibration_keeps_its_kernel_costs_through_its_file()
    {
        var kernel = new KernelCosts("6.18.0-test", DateTimeOffset.UnixEpoch, 12.5, "1.00 2.00 3.00 -> 1.50 2.00 3.00", 8192, 11, "ext4", "test method",
        [
            new KernelCost("ebizzy", new Dictionary<string, double> { ["Mmap"] = 2041.5, ["Fault"] = 2321.25, ["Munmap"] = 32642 }),
            new KernelCost("pft", new Dictionary<string, double> { ["Fault"] = 2181 }),
        ])
        {
            Zeroing = new PageZeroing(50.76, 27_189, 1_250, [49.18, 50.76, 52.27], "6.18.0-test", DateTimeOffset.UnixEpoch, "test zeroing"),
        };
        var calibration = new Calibration(DateTimeOffset.UnixEpoch, "test", 2, 8192, 11, 40, [40],
            [new LocalCost("mmu", "ebizzy", new Dictionary<string, double> { ["Fault"] = 60 })]) { Kernel = kernel };
        var path = Path.Combine(Directory.CreateTempSubdirectory("testbed-kernel-costs-").FullName, "calibration.json");
        try
        {
            SimulationFiles.Write(calibration, path);
            var back = SimulationFiles.ReadCalibration(path).RequireKernel();

            Assert.Equal((kernel.Release, kernel.Taken, kernel.Seconds, kernel.LoadAverage, kernel.OpsPerWorkload, kernel.Rounds, kernel.FileSystem, kernel.Method),
                (back.Release, back.Taken, back.Seconds, back.LoadAverage, back.OpsPerWorkload, back.Rounds, back.FileSystem, back.Method));
            Assert.Equal(kernel.Workloads.Select(w => (w.Workload, string.Join(",", w.NsPerOp.Select(kv => $"{kv.Key}={kv.Value}")))),
                back.Workloads.Select(w => (w.Workload, string.Join(",", w.NsPerOp.Select(kv => $"{kv.Key}={kv.Value}")))));
            var z = Assert.IsType<PageZeroing>(back.Zeroing);
            Assert.Equal((50.76, 27_189.0, 1_250.0, "6.18.0-test", DateTimeOffset.UnixEpoch, "test zeroing"), (z.PerFurther4KiBNs, z.HugeFaultNs, z.Fault4KiBNs, z.Release, z.Taken, z.Method));
            Assert.Equal([49.18, 50.76, 52.27], z.RoundsNs);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_calibration_without_kernel_costs_says_how_to_measure_them()
    {
        var calibration = new Calibration(DateTimeOffset.UnixEpoch, "test", 2, 8192, 11, 40, [40],
            [new LocalCost("mmu", "ebizzy", new Dictionary<string, double> { ["Fault"] = 60 })]);

        var e = Assert.Throws<InvalidOperationException>(() => calibration.Local("mmu", "ebizzy", LocalWork.Kernel));
        Assert.Contains("--calibrate-kernel", e.Message);
        Assert.Equal(60, calibration.Local("mmu", "ebizzy", LocalWork.Model).NsPerOp["Fault"]);
    }
}
