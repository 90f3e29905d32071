// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>Many threads racing speculative faults against munmap/mprotect/mbind/get_vma.</summary>
public sealed class ConcurrencySpecs
{
    private const int Window = 64;
    private const int OpsPerThread = 3000;

    private static void Worker(IAddressSpace mm, int seed, int role, int fd)
    {
        var rng = new Random(seed);
        for (var i = 0; i < OpsPerThread; i++)
        {
            var page = rng.Next(Window);
            var pages = 1 + rng.Next(6);
            switch (role)
            {
                case < 4:
                    mm.Execute(Operation.Fault(P(page), rng.Next(2) == 0 ? FaultFlags.Write : FaultFlags.Read));
                    break;
                case 4:
                    if (rng.Next(3) == 0)
                        mm.Execute(Operation.Munmap(P(page), (ulong)pages * Page));
                    else
                        mm.MapAnon(page, pages, Prot.Read | Prot.Write);
                    break;
                case 5:
                    if (rng.Next(4) == 0)
                        mm.Execute(Operation.Mmap(P(page), (ulong)pages * Page, Prot.Read, MapFlags.Private | MapFlags.Fixed, fd));
                    else
                        mm.Execute(Operation.Mprotect(P(page), (ulong)pages * Page, rng.Next(2) == 0 ? Prot.Read : Prot.Read | Prot.Write));
                    break;
                case 6:
                    mm.Execute(Operation.Mbind(P(page), (ulong)pages * Page, (MpolMode)rng.Next(4)));
                    break;
                default:
                    if (mm.GetVma(P(page), out var r, out _) == 0)
                    {
                        mm.Execute(Operation.Fault(P(page), FaultFlags.Read));
                        Assert.Equal(0, mm.VmaRefInfo(r, out _));
                        Assert.Equal(0, mm.PutVma(r));
                    }
                    break;
            }
        }
    }

    /// <summary>Both backends of mmu-spf, two seeds each.</summary>
    public static IEnumerable<object[]> Runs =>
        from backend in new[] { AddressSpaceFactory.Native, AddressSpaceFactory.Managed }
        from seed in new[] { 1, 2 }
        select new object[] { backend, seed };

    [Theory, MemberData(nameof(Runs))]
    public void Eight_threads_leave_a_valid_mm_with_no_stale_page_and_no_leak(string backend, int seed)
    {
        // Arrange
        var replay = $"{backend} seed {seed}: dotnet test tests/Testbed.Tests --filter FullyQualifiedName~Model.ConcurrencySpecs";
        using var mm = Create(backend, "mmu-spf");
        var fd = (int)mm.Execute(Operation.FileOpen(Window * Page, FileFlags.None));
        mm.MapAnon(0, Window, Prot.Read | Prot.Write);

        // Act
        var threads = Enumerable.Range(0, 8)
            .Select(t => new Thread(() => Worker(mm, (seed * 100) + t, t, fd)))
            .ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // Assert: consistent while mapped
        Assert.True(mm.Validate() == 0, $"{replay}: {string.Join("; ", mm.Violations())}");
        Assert.True(mm.Violations().Count == 0, $"{replay}: {string.Join("; ", mm.Violations())}");
        var s = mm.GetStats();
        Assert.True(s.LiveVmas == s.MapCount, replay);
        Assert.True(s.LiveMempolicies == (ulong)mm.Snapshot().Count(v => v.Policy != MpolMode.Default), replay);
        Assert.True(s.SpfAttempts > 0, replay);

        // Assert: back to baseline once everything is unmapped and closed
        Assert.Equal(0, mm.Execute(Operation.Munmap(P(0), (Window + 8) * Page)));
        Assert.Equal(0, mm.Execute(Operation.FileClose(fd)));
        s = mm.GetStats();
        Assert.True((s.LiveVmas, s.LiveFiles, s.LiveMempolicies, s.LiveAnonVmas, s.PopulatedPages) == (0UL, 0UL, 0UL, 0UL, 0UL), $"{replay}: {s}");
        mm.AssertHealthy();
    }
}
