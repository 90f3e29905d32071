// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Testbed.Harness.Bench;

namespace Testbed.Harness.Simulation;

/// <summary>
/// Measures <see cref="KernelCosts"/>: native/bench's kernel mode (build/native/perf/bench
/// kernel -w WORKLOAD) once per workload, which times this host's real mmap, page faults and
/// munmap in the workload's shape and prints the median over its rounds per kind.
/// </summary>
public static class KernelCalibrator
{
    /// <summary>How the numbers were taken, for the calibration file.</summary>
    public const string Method =
        "native/bench kernel -w WORKLOAD: real mmap/fault/munmap in the bench workload's shape (ebizzy: mmap 512 KiB anon, " +
        "write its 128 pages, munmap; page-fault1: 128 MiB anon private, write every page, munmap; page-fault2/3: a private/shared " +
        "mapping of a 128 MiB file made by mkstemp in /tmp, unlinked, ftruncated; malloc1: mmap 128 MiB + 4 KiB into the hole between two live, written chunks (it merges with both, as at many threads), one write, munmap; " +
        "pft: write every page of a fresh anon VMA of -n pages, its mmap/munmap untimed; single-vma: read faults mapping the zero " +
        "page after one MADV_DONTNEED of a populated 256-page VMA, untimed -- the kernel takes no fault on a populated page), " +
        "THP off for the process, a second thread parked in read() so the mm is multithreaded; clock_gettime around each run " +
        "of same-kind operations (one mmap, the faults of one mapping, one munmap); per round one iteration untimed then whole " +
        "iterations, at least OpsPerWorkload operations; per kind time over count, the median over the rounds";

    /// <summary>Measures every workload of <paramref name="workloads"/> with <paramref name="driver"/>.</summary>
    public static KernelCosts Measure(string driver, IReadOnlyList<BenchWorkload> workloads, int ops, int rounds, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentOutOfRangeException.ThrowIfLessThan(ops, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        HotPaths.RequireDriver(driver);
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();
        var taken = DateTimeOffset.UtcNow;
        var costs = new List<KernelCost>();
        string? release = null, fs = null;
        foreach (var w in workloads)
        {
            progress?.Invoke($"kernel costs: {w.Name()} x {rounds} rounds");
            var j = Run(driver, w.Name(), ops, rounds);
            release = j.GetProperty("release").GetString();
            if (j.GetProperty("file_fs").GetString() is { } f)
                fs = f;
            var ns = j.GetProperty("ns").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            if (ns.Count == 0 || ns.Values.Any(v => !(v > 0)))
                throw new InvalidOperationException($"{driver} kernel -w {w.Name()}: a cost that is not positive ({j})");
            costs.Add(new KernelCost(w.Name(), ns));
        }
        progress?.Invoke($"kernel costs: a huge page's fault against 4 KiB ones x {rounds} rounds");
        var zeroing = PageZeroing.Measure(driver, rounds);
        return new KernelCosts(release ?? "", taken, Math.Round(clock.Elapsed.TotalSeconds, 1), $"{load} -> {LoadAverage()}", ops, rounds, fs, Method, costs)
        {
            Zeroing = zeroing,
        };
    }

    private static JsonElement Run(string driver, string workload, int ops, int rounds) =>
        HotPaths.RunDriver(driver, "kernel", "-w", workload, "-n", ops.ToString(CultureInfo.InvariantCulture), "-r", rounds.ToString(CultureInfo.InvariantCulture));

    // The first three fields of /proc/loadavg (1, 5, 15 minutes), or "unknown".
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
