// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using Testbed.Interop;
using Testbed.Tests.Harness;
using Testbed.Tests.Isolation;
using Xunit.Abstractions;
using static Testbed.Contract.Errno;

namespace Testbed.Tests.Interop;

/// <summary>
/// Eight .NET threads race faults against mmap/munmap/mprotect/mbind on overlapping ranges of
/// one mm, through P/Invoke. Bounded by operation counts; seeded ($TESTBED_SEED replays).
/// The race runs in a process of its own (<see cref="IsolatedSpec"/>): a native crash fails
/// this test and no other.
/// </summary>
public abstract class ConcurrencySpecs<TApi>(ITestOutputHelper output) where TApi : struct, ITestbedApi
{
    private const int Threads = 8;
    private const int OpsPerThread = 3000;
    private const ulong Page = 4096;
    private const ulong Base = 0x20000000;
    private const int WindowPages = 96;
    private const ulong FileSize = WindowPages * Page;

    [Fact]
    public Task Racing_faults_against_mapping_changes_leaves_a_clean_consistent_mm() =>
        IsolatedSpec.RunAsync(output, GetType(), nameof(Race), GetType().Name);

    /// <summary>The race, in the spec's own process; <paramref name="spec"/> names the replay filter.</summary>
    protected static void Race(string spec)
    {
        // Arrange
        NativeTestEnvironment.RequireLibrary(TApi.ConfigName);
        var seed = NativeTestEnvironment.Seed();
        var replay = NativeTestEnvironment.Replay(seed, spec);
        Console.WriteLine(replay);
        var crash = IsolatedSpec.CrashRequested(TApi.ConfigName);
        using var mm = NativeMm<TApi>.Create();
        var baseline = mm.Stats();
        var fd = mm.FileOpen(FileSize, FileFlags.MapDirect | FileFlags.MapCopy);
        var unexpected = new List<string>();
        using var start = new Barrier(Threads);

        // Act
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var rng = new Random(seed + t);
            var id = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < OpsPerThread; i++)
                {
                    if (crash && id == 0 && i == OpsPerThread / 2)
                        CrashHook.Crash(how: 1);
                    var (what, result, allowed) = Step(mm, rng, fd);
                    if (result < 0 && Array.IndexOf(allowed, (int)-result) < 0)
                    {
                        lock (unexpected)
                            unexpected.Add($"thread {id} op {i}: {what} = {result} ({Name(result)})");
                    }
                }
            });
            threads[t].Start();
        }
        foreach (var thread in threads)
            thread.Join();

        // Assert
        var problems = mm.Validate();
        var violations = mm.Violations();
        var stats = mm.Stats();
        var snapshot = mm.Snapshot();
        ulong populatedInVmas = 0;
        foreach (var vma in snapshot)
            populatedInVmas += vma.Populated;
        Assert.True(unexpected.Count == 0, $"{replay}\n{string.Join('\n', unexpected.Take(20))}");
        Assert.True(problems == 0 && violations.Length == 0,
            $"{replay}\nvalidate: {problems}\n{string.Join('\n', violations.Take(20).Select(v => $"{v.SiteText}:{v.Line}: {v.MessageText}"))}");
        Assert.True(stats.LiveVmas == stats.MapCount && (ulong)snapshot.Length == stats.MapCount,
            $"{replay}\nlive_vmas {stats.LiveVmas}, map_count {stats.MapCount}, snapshot {snapshot.Length}");
        Assert.True(populatedInVmas == stats.PopulatedPages,
            $"{replay}\npopulated pages {stats.PopulatedPages} but VMAs account for {populatedInVmas}: a page outside every VMA");
        Assert.True(stats.Faults > 0 && stats.Violations == 0, $"{replay}\nfaults {stats.Faults}, violations {stats.Violations}");

        // Act: tear down to the baseline
        mm.Munmap(Base, WindowPages * Page);
        mm.FileClose(fd);
        var end = mm.Stats();

        // Assert
        Assert.True(mm.Validate() == 0, replay);
        Assert.True(
            (end.LiveVmas, end.MapCount, end.LiveFiles, end.LiveMempolicies, end.LiveAnonVmas, end.PopulatedPages) ==
            (baseline.LiveVmas, baseline.MapCount, baseline.LiveFiles, baseline.LiveMempolicies, baseline.LiveAnonVmas,
                baseline.PopulatedPages),
            $"{replay}\nafter teardown: vmas {end.LiveVmas}, map_count {end.MapCount}, files {end.LiveFiles}, " +
            $"policies {end.LiveMempolicies}, anon_vmas {end.LiveAnonVmas}, pages {end.PopulatedPages}");
    }

    private static (string What, long Result, int[] Allowed) Step(NativeMm<TApi> mm, Random rng, int fd)
    {
        var page = (ulong)rng.Next(WindowPages);
        var pages = (ulong)rng.Next(1, 9);
        pages = Math.Min(pages, WindowPages - page);
        var addr = Base + page * Page;
        var len = pages * Page;
        var roll = rng.Next(100);
        if (roll < 45)
        {
            var flags = (FaultFlags)rng.Next(4) & (FaultFlags.Write | FaultFlags.NoSpeculative);
            var result = mm.TryFault(addr + (ulong)rng.Next((int)Page), flags);
            return ($"fault(0x{addr:x}, {flags})", result, [EFAULT, EACCES]);
        }
        if (roll < 60)
        {
            var shared = rng.Next(4) == 0;
            var prot = (Prot)rng.Next(1, 4);
            var flags = MapFlags.Fixed | (shared ? MapFlags.Shared : MapFlags.Private | MapFlags.Anonymous);
            var result = mm.TryMmap(addr, len, prot, flags, shared ? fd : -1, shared ? page : 0);
            return ($"mmap(0x{addr:x}, 0x{len:x}, {prot}, {flags})", result, []);
        }
        if (roll < 75)
        {
            var result = mm.TryMunmap(addr, len);
            return ($"munmap(0x{addr:x}, 0x{len:x})", result, []);
        }
        if (roll < 90)
        {
            var prot = (Prot)rng.Next(0, 4);
            var result = mm.TryMprotect(addr, len, prot);
            return ($"mprotect(0x{addr:x}, 0x{len:x}, {prot})", result, [ENOMEM]);
        }
        var mode = (MpolMode)rng.Next(4);
        var mbind = mm.TryMbind(addr, len, mode);
        return ($"mbind(0x{addr:x}, 0x{len:x}, {mode})", mbind, [EFAULT]);
    }
}

/// <summary>The race on the SPF config (speculative faults against mapping changes).</summary>
public sealed class MmuSpfConcurrencySpecs(ITestOutputHelper output) : ConcurrencySpecs<MmuSpfApi>(output);

/// <summary>The race on the plain MMU config (every fault under mmap_sem).</summary>
public sealed class MmuConcurrencySpecs(ITestOutputHelper output) : ConcurrencySpecs<MmuApi>(output);
