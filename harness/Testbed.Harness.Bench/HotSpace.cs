// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;

namespace Testbed.Harness.Bench;

/// <summary>
/// native/bench's run_hot from C#: 64 VMAs of 4 populated pages; batches of 256 read faults
/// cycling over four pages of the middle VMA, and get_vma + put_vma per call. Owns the space.
/// </summary>
internal sealed class HotSpace : IDisposable
{
    private const ulong HotBase = 0x100000000;
    private const int VmaGapPages = 8;
    private const int VmaPages = 4;

    private readonly IAddressSpace _space;
    private readonly Operation[] _batch = new Operation[BenchRunner.BatchSize];
    private readonly long[] _results = new long[BenchRunner.BatchSize];
    private readonly ulong _addr;
    private readonly bool _refs;

    public HotSpace(IAddressSpace space)
    {
        _space = space;
        // A two-thread mm, the second thread idle: the series speculates only in a
        // multithreaded mm, and nothing contends.
        Check(space.SetThreads(2));
        for (var i = 0; i < HotPaths.Vmas; i++)
        {
            var a = HotBase + (ulong)(i * VmaGapPages) * BenchPlan.Page;
            Check(space.Execute(Operation.Mmap(a, VmaPages * BenchPlan.Page, Prot.Read | Prot.Write,
                MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)));
            for (var p = 0; p < VmaPages; p++)
                Check(space.Execute(Operation.Fault(a + (ulong)p * BenchPlan.Page, FaultFlags.Write)));
        }
        _addr = HotBase + (ulong)(HotPaths.Vmas / 2 * VmaGapPages) * BenchPlan.Page;
        for (var i = 0; i < _batch.Length; i++)
            _batch[i] = Operation.Fault(_addr + (ulong)(i & 3) * BenchPlan.Page, FaultFlags.Read);
        _refs = space.Config.VmaRefs;
    }

    /// <summary>
    /// One repeat: ns per fault in batches, and per get_vma + put_vma (null without SPF). As
    /// native/bench's run_hot, an untimed pass of the batches comes first: the samples of the
    /// three sides take turns (the C driver is a process of its own), so each side's caches
    /// and TLB are cold when its turn begins, and the C driver warms its own before timing.
    /// </summary>
    public (double Fault, double? GetPut) Sample(long iterations)
    {
        var rounds = Math.Max(1, iterations / _batch.Length);
        for (var k = 0; k < rounds; k++)
            _space.ExecuteBatch(_batch, _results);
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < rounds; k++)
            _space.ExecuteBatch(_batch, _results);
        var fault = clock.Elapsed.TotalNanoseconds / (rounds * _batch.Length);
        if (!_refs)
            return (fault, null);
        clock.Restart();
        for (var k = 0; k < iterations; k++)
        {
            _space.GetVma(_addr, out var reference, out _);
            _space.PutVma(reference);
        }
        return (fault, clock.Elapsed.TotalNanoseconds / iterations);
    }

    public void Dispose() => _space.Dispose();

    private static void Check(long result)
    {
        if (result < 0)
            throw new InvalidOperationException($"hot-path setup failed: {result}");
    }
}
