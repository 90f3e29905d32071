// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Backends;
using Testbed.Interop;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The SPF refcount protocol (get_vma / put_vma): a held VMA outlives munmap and merges out
/// of the tree, keeps its file and policy until the last put, then is freed.
/// </summary>
public sealed class VmaRefSpecs
{
    private const string Spf = "mmu-spf";

    private static string[] Drain(IAddressSpace mm) => mm.DrainEvents().Select(e => $"{e.Op} {e.Type} {e.ObjectId} {e.Value}").ToArray();

    /// <summary>On the native backend: every freed object in quarantine still carries its poison.</summary>
    private static void AssertPoisonIntact(IAddressSpace mm)
    {
        if (mm.Backend != AddressSpaceFactory.Native)
            return;
        var bad = mm.Config.Spf ? MmuSpfApi.KmemCheck() : MmuApi.KmemCheck();
        Assert.True(bad == 0, $"tb_kmem_check: {bad} quarantined objects with damaged poison");
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void A_held_file_vma_survives_munmap_and_puts_its_file_only_at_the_last_put(string backend)
    {
        // 0123      0123
        // FFFF  ->  (empty; F detached, held)
        using var mm = Create(backend, Spf);
        mm.Trace(true);
        var fd = mm.OpenFile(4);
        Ok(mm.MapFile(0, 4, R, fd, 0), "mmap");
        Ok(mm.Fault(1), "fault 1");
        Assert.Equal(
            new[] { "FileOpen FileAlloc 1 1", "Mmap FileGet 1 2", "Mmap VmaAlloc 2 0", "Mmap FileGet 1 3", "Mmap FilePut 1 2" },
            Drain(mm));

        Assert.Equal(0, mm.GetVma(P(2), out var reference, out var held));
        Assert.NotEqual(0UL, reference);
        Assert.Equal((2UL, P(0), P(4), 1UL, 2, true, 1u), (held.Id, held.Start, held.End, held.FileId, held.RefCount, held.InTree, held.Populated));
        Assert.Equal(2, mm.Snapshot().Single().RefCount);

        Assert.Equal(0, mm.Munmap(0, 4));

        Assert.Empty(Drain(mm));
        Assert.Equal(0, mm.VmaRefInfo(reference, out var detached));
        Assert.Equal((2UL, P(0), P(4), 1UL, 1, false, 0u, false), (detached.Id, detached.Start, detached.End, detached.FileId, detached.RefCount, detached.InTree, detached.Populated, detached.HasAnonVma));
        var stats = mm.GetStats();
        Assert.Equal((1UL, 0UL, 1UL, 0UL), (stats.LiveVmas, stats.MapCount, stats.LiveFiles, stats.PopulatedPages));
        mm.AssertLayout();

        Assert.Equal(0, mm.PutVma(reference));

        Assert.Equal(new[] { "PutVma FilePut 1 1", "PutVma VmaFree 2 0" }, Drain(mm));
        Assert.Equal(0UL, mm.GetStats().LiveVmas);
        Assert.Equal(-Errno.EBADF, mm.PutVma(reference));
        Assert.Equal(-Errno.EBADF, mm.VmaRefInfo(reference, out _));
        mm.AssertLayout();
        AssertPoisonIntact(mm);

        Assert.Equal(0, mm.Execute(Operation.FileClose(fd)));
        Assert.Equal(new[] { "FileClose FilePut 1 0", "FileClose FileFree 1 0" }, Drain(mm));
        stats = mm.GetStats();
        Assert.Equal((0UL, 0UL, 0UL, 0UL), (stats.LiveVmas, stats.LiveFiles, stats.LiveMempolicies, stats.LiveAnonVmas));
        mm.AssertHealthy();
        AssertPoisonIntact(mm);
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void A_held_anonymous_vma_loses_its_pages_and_anon_vma_at_munmap_but_keeps_its_policy(string backend)
    {
        using var mm = Create(backend, Spf);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Assert.Equal(0, mm.Mbind(0, 4, MpolMode.Bind));
        Ok(mm.Fault(0, FaultFlags.Write), "fault 0");
        Assert.Equal(0, mm.GetVma(P(0), out var reference, out _));
        mm.Trace(true);

        Assert.Equal(0, mm.Munmap(0, 4));

        Assert.Equal(new[] { "Munmap AnonVmaFree 4 0" }, Drain(mm));
        Assert.Equal(0, mm.VmaRefInfo(reference, out var info));
        Assert.Equal((false, false, 0u, MpolMode.Bind, 1), (info.InTree, info.HasAnonVma, info.Populated, info.Policy, info.RefCount));
        var stats = mm.GetStats();
        Assert.Equal((1UL, 1UL, 0UL, 0UL), (stats.LiveVmas, stats.LiveMempolicies, stats.LiveAnonVmas, stats.PopulatedPages));
        mm.AssertHealthy();

        Assert.Equal(0, mm.PutVma(reference));

        Assert.Equal(new[] { "PutVma MpolPut 3 0", "PutVma MpolFree 3 0", "PutVma VmaFree 1 0" }, Drain(mm));
        Assert.Equal(0UL, mm.GetStats().LiveMempolicies);
        mm.AssertLayout();
        AssertPoisonIntact(mm);
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void A_held_vma_merged_away_by_case_1_is_freed_at_the_last_put(string backend)
    {
        // 0123456789ab      0123456789ab
        // PPPP    NNNN  ->  PPPPPPPPPPPP   (N held: out of the tree, alive)
        using var mm = Create(backend, Spf);
        Ok(mm.MapAnon(0, 4, RW), "mmap P");
        Ok(mm.MapAnon(8, 4, RW), "mmap N");
        var next = mm.At(8).Id;
        Assert.Equal(0, mm.GetVma(P(8), out var reference, out _));
        mm.Trace(true);

        Ok(mm.MapAnon(4, 4, RW), "mmap A");

        Assert.Empty(Drain(mm));
        mm.AssertLayout(Anon(0, 12, PrivAnon(RW)));
        Assert.Equal(0, mm.VmaRefInfo(reference, out var info));
        Assert.Equal((next, false, 1), (info.Id, info.InTree, info.RefCount));
        Assert.Equal(2UL, mm.GetStats().LiveVmas);

        Assert.Equal(0, mm.PutVma(reference));

        Assert.Equal(new[] { $"PutVma VmaFree {next} 0" }, Drain(mm));
        Assert.Equal(1UL, mm.GetStats().LiveVmas);
        mm.AssertLayout(Anon(0, 12, PrivAnon(RW)));
        AssertPoisonIntact(mm);
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Get_vma_takes_the_first_vma_ending_above_the_address_and_counts_every_reference(string backend)
    {
        // 0123456789
        //   AA   BB    get_vma(0) -> A, get_vma(5) -> B, get_vma(9) -> none
        using var mm = Create(backend, Spf);
        Assert.Equal(-Errno.ENOENT, mm.GetVma(P(0), out _, out _));
        Ok(mm.MapAnon(2, 2, RW), "mmap A");
        Ok(mm.MapAnon(7, 2, R), "mmap B");

        Assert.Equal(0, mm.GetVma(P(0), out var r1, out var a));
        Assert.Equal(0, mm.GetVma(P(5), out var r2, out var b1));
        Assert.Equal(0, mm.GetVma(P(8), out var r3, out var b2));
        Assert.Equal(-Errno.ENOENT, mm.GetVma(P(9), out _, out _));

        Assert.Equal((P(2), 2), (a.Start, a.RefCount));
        Assert.Equal((P(7), 2), (b1.Start, b1.RefCount));
        Assert.Equal((b1.Id, 3), (b2.Id, b2.RefCount));
        Assert.Equal(3, new[] { r1, r2, r3 }.Distinct().Count());
        Assert.Equal(new[] { 2, 3 }, mm.Snapshot().Select(v => v.RefCount));
        mm.AssertHealthy();

        foreach (var r in new[] { r1, r2, r3 })
            Assert.Equal(0, mm.PutVma(r));
        mm.AssertLayout(Anon(2, 4, PrivAnon(RW), pgoffPage: 2), Anon(7, 9, PrivAnon(R), pgoffPage: 7));
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Forged_or_spent_references_are_rejected_with_ebadf(string backend)
    {
        using var mm = Create(backend, Spf);
        Ok(mm.MapAnon(0, 1, RW), "mmap");
        Assert.Equal(0, mm.GetVma(P(0), out var reference, out _));

        Assert.Equal(-Errno.EBADF, mm.PutVma(0));
        Assert.Equal(-Errno.EBADF, mm.PutVma(reference ^ 0x5a5a0000UL));
        Assert.Equal(-Errno.EBADF, mm.VmaRefInfo(0, out _));
        Assert.Equal(0, mm.PutVma(reference));
        Assert.Equal(-Errno.EBADF, mm.PutVma(reference));

        mm.AssertLayout(Anon(0, 1, PrivAnon(RW)));
    }

    [Theory, MemberData(nameof(Backends), MemberType = typeof(ModelFixture))]
    public void Without_spf_get_vma_put_vma_and_vma_ref_info_are_not_supported(string backend)
    {
        using var mm = Create(backend, "mmu");
        Ok(mm.MapAnon(0, 1, RW), "mmap");

        Assert.Equal(-Errno.EOPNOTSUPP, mm.GetVma(P(0), out _, out _));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.PutVma(1));
        Assert.Equal(-Errno.EOPNOTSUPP, mm.VmaRefInfo(1, out _));

        mm.AssertLayout(Anon(0, 1, PrivAnon(RW)));
        Assert.Equal(0, mm.Snapshot()[0].RefCount);
    }
}
