// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// fork (docs/model.md, Fork): dup_mmap copies every VMA but the VM_DONTCOPY ones into a new
/// mm (VM_WIPEONFORK: the child's empty), takes the file references, copies the policy and
/// forks the anon_vma (the child's VMA links a new anon_vma and its parent's); the page table
/// is copied with private anonymous pages write-protected in both mms. A write fault on a
/// write-protected page copies it (wp_page_copy) unless this mm alone maps it (reuse). On
/// every design and both backends; nommu: -ENOSYS.
/// </summary>
public sealed class ForkSpecs
{
    private static IAddressSpace Fork(IAddressSpace parent)
    {
        Assert.Equal(0, parent.Fork(out var child));
        Assert.NotNull(child);
        Assert.Equal(0, child!.SetThreads(2));
        return child;
    }

    private static string CowLine(VmaInfo v) => $"[{PageOf(v.Start)},{PageOf(v.End)}) pop={v.Populated} cow={v.CowPages} chain={v.AnonChain}";

    private static string[] Cow(IAddressSpace mm) => mm.Snapshot().Select(CowLine).ToArray();

    private static string Cow(int from, int to, uint populated, uint cow, uint chain) =>
        $"[{from},{to}) pop={populated} cow={cow} chain={chain}";

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_child_gets_every_vma_with_its_pages_shared_copy_on_write(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 4, RW), "mmap");
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        Assert.True(parent.Fault(11, FaultFlags.Write) >= 0);
        Assert.True(parent.Fault(12) >= 0);

        using var child = Fork(parent);

        child.AssertLayout(Anon(10, 14, PrivAnon(RW), populated: 3, anon: true));
        parent.AssertLayout(Anon(10, 14, PrivAnon(RW), populated: 3, anon: true));
        Assert.Equal([Cow(10, 14, 3, 3, 1)], Cow(parent));
        Assert.Equal([Cow(10, 14, 3, 3, 2)], Cow(child));
        Assert.NotEqual(parent.Snapshot()[0].Id, child.Snapshot()[0].Id);
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_write_copies_a_shared_page_and_the_last_mapper_reuses_it(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        using var child = Fork(parent);

        // The child's write copies (the page is still the parent's too); the parent's then
        // reuses: it maps the old page alone.
        Assert.True(child.Fault(10, FaultFlags.Write) >= 0);
        Assert.Equal([Cow(10, 12, 1, 0, 2)], Cow(child));
        Assert.Equal([Cow(10, 12, 1, 1, 1)], Cow(parent));
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        Assert.Equal([Cow(10, 12, 1, 0, 1)], Cow(parent));
        // A read leaves a write-protected page as it is.
        Assert.True(parent.Fault(10) >= 0);
        child.AssertHealthy();
        parent.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_read_faulted_page_is_copied_on_the_first_write_in_either_mm(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        // A write elsewhere gives the VMA its anon_vma; page 11 maps the zero page.
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        Assert.True(parent.Fault(11) >= 0);
        using var child = Fork(parent);

        Assert.True(parent.Fault(11, FaultFlags.Write) >= 0);
        Assert.True(child.Fault(11, FaultFlags.Write) >= 0);
        Assert.Equal([Cow(10, 12, 2, 1, 1)], Cow(parent));
        Assert.Equal([Cow(10, 12, 2, 1, 2)], Cow(child));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Dontfork_vmas_are_not_copied_and_wipeonfork_ones_are_copied_empty(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        Ok(parent.MapAnon(20, 2, RW), "mmap");
        Ok(parent.MapAnon(30, 2, RW), "mmap");
        foreach (var page in new[] { 10, 20, 30 })
            Assert.True(parent.Fault(page, FaultFlags.Write) >= 0);
        Ok(parent.Execute(Operation.Madvise(P(10), Pages(2), MadviseAdvice.Dontfork)), "madvise DONTFORK");
        Ok(parent.Execute(Operation.Madvise(P(20), Pages(2), MadviseAdvice.Wipeonfork)), "madvise WIPEONFORK");

        using var child = Fork(parent);

        child.AssertLayout(
            Anon(20, 22, PrivAnon(RW) | VmFlags.Wipeonfork, anon: true),
            Anon(30, 32, PrivAnon(RW), populated: 1, anon: true));
        Assert.Equal([Cow(20, 22, 0, 0, 1), Cow(30, 32, 1, 1, 2)], Cow(child));
        parent.AssertLayout(
            Anon(10, 12, PrivAnon(RW) | VmFlags.Dontcopy, populated: 1, anon: true),
            Anon(20, 22, PrivAnon(RW) | VmFlags.Wipeonfork, populated: 1, anon: true),
            Anon(30, 32, PrivAnon(RW), populated: 1, anon: true));
        // Only the copied VMA's page is write-protected in the parent.
        Assert.Equal([Cow(10, 12, 1, 0, 1), Cow(20, 22, 1, 0, 1), Cow(30, 32, 1, 1, 1)], Cow(parent));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Madvise_splits_and_merges_like_mprotect_and_rejects_bad_input(string backend, string config)
    {
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(10, 4, RW), "mmap");
        Ok(mm.Execute(Operation.Madvise(P(11), Pages(2), MadviseAdvice.Dontfork)), "madvise");
        mm.AssertLayout(
            Anon(10, 11, PrivAnon(RW)),
            Anon(11, 13, PrivAnon(RW) | VmFlags.Dontcopy),
            Anon(13, 14, PrivAnon(RW)));
        Ok(mm.Execute(Operation.Madvise(P(11), Pages(2), MadviseAdvice.Dofork)), "madvise");
        mm.AssertLayout(Anon(10, 14, PrivAnon(RW)));

        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Madvise(P(10), 0, MadviseAdvice.Dontfork)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Madvise(P(10) + 1, Page, MadviseAdvice.Dontfork)));
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Madvise(P(10), Page, (MadviseAdvice)4)));
        Assert.Equal(-Errno.ENOMEM, mm.Execute(Operation.Madvise(P(20), Page, MadviseAdvice.Dontfork)));
        Ok(mm.MapSharedAnon(30, 1, RW), "mmap shared");
        Assert.Equal(-Errno.EINVAL, mm.Execute(Operation.Madvise(P(30), Page, MadviseAdvice.Wipeonfork)));
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void The_child_takes_its_own_file_references_and_policy_copies(string backend, string config)
    {
        using var parent = Create(backend, config);
        var fd = parent.OpenFile(8);
        Ok(parent.MapFile(10, 2, R, fd, 0), "mmap file");
        Ok(parent.MapAnon(20, 2, RW), "mmap");
        Ok(parent.Mbind(20, 2, MpolMode.Bind), "mbind");
        var before = parent.GetStats();

        using var child = Fork(parent);

        // Objects are counted per fork family: the child's VMAs, its policy copy and its file
        // references (the fd table's and the VMA's) are the family's.
        var after = parent.GetStats();
        Assert.Equal(before.LiveVmas + 2, after.LiveVmas);
        Assert.Equal(before.LiveMempolicies + 1, after.LiveMempolicies);
        Assert.Equal(before.LiveFiles, after.LiveFiles);
        Assert.Equal(child.GetStats().LiveVmas, after.LiveVmas);
        var file = child.Snapshot()[0];
        Assert.Equal(parent.Snapshot()[0].FileId, file.FileId);
        Assert.Equal(MpolMode.Bind, child.Snapshot()[1].Policy);

        // The parent exits first: the child's VMAs keep the file; the family's last exit finds no leak.
        Assert.Empty(parent.Destroy());
        Assert.Equal(1UL, child.GetStats().LiveFiles);
        Assert.True(child.Fault(10) >= 0);
        Assert.Empty(child.Destroy());
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_forked_vma_does_not_take_an_anon_vma_less_neighbour_into_its_chain(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        using var child = Fork(parent);

        // In the parent, a new neighbour without an anon_vma merges into the singular chain;
        // in the child the chain is not singular (its parent's anon_vma too): no merge.
        Ok(parent.MapAnon(12, 2, RW), "mmap neighbour");
        Ok(child.MapAnon(12, 2, RW), "mmap neighbour");
        parent.AssertLayout(Anon(10, 14, PrivAnon(RW), populated: 1, anon: true));
        child.AssertLayout(Anon(10, 12, PrivAnon(RW), populated: 1, anon: true), Anon(12, 14, PrivAnon(RW)));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_child_forks_again_and_every_exit_order_is_clean(string backend, string config)
    {
        var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        Assert.True(parent.Fault(10, FaultFlags.Write) >= 0);
        var child = Fork(parent);
        Assert.True(child.Fault(11, FaultFlags.Write) >= 0);
        var grandchild = Fork(child);
        Assert.Equal([Cow(10, 12, 2, 2, 3)], Cow(grandchild));
        Assert.True(grandchild.Fault(10, FaultFlags.Write) >= 0);
        Assert.Empty(child.Destroy());
        Assert.True(grandchild.Fault(11, FaultFlags.Write) >= 0);
        Assert.Equal([Cow(10, 12, 2, 0, 3)], Cow(grandchild));
        grandchild.AssertHealthy();
        Assert.Empty(parent.Destroy());
        Assert.Empty(grandchild.Destroy());
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void A_failed_allocation_fails_the_fork_and_leaves_nothing_behind(string backend, string config)
    {
        using var parent = Create(backend, config);
        Ok(parent.MapAnon(10, 2, RW), "mmap");
        Ok(parent.MapAnon(20, 2, RW), "mmap");
        Assert.True(parent.Fault(20, FaultFlags.Write) >= 0);
        var before = parent.GetStats();
        // The second VMA's copy; the one anon_vma the fork allocates (the second VMA's).
        foreach (var (cache, nth) in new[] { (CacheKind.Vma, 2UL), (CacheKind.AnonVma, 1UL) })
        {
            Assert.Equal(0, parent.InjectAllocFailure(cache, nth));
            Assert.Equal(-Errno.ENOMEM, parent.Fork(out var child));
            Assert.Null(child);
        }
        var after = parent.GetStats();
        Assert.Equal(before.LiveVmas, after.LiveVmas);
        Assert.Equal(before.LiveAnonVmas, after.LiveAnonVmas);
        parent.AssertLayout(Anon(10, 12, PrivAnon(RW)), Anon(20, 22, PrivAnon(RW), populated: 1, anon: true));
    }

    [Theory, MemberData(nameof(Nommu), MemberType = typeof(ModelFixture))]
    public void Nommu_has_no_fork(string backend, string config)
    {
        using var mm = Create(backend, config);
        Assert.Equal(-Errno.ENOSYS, mm.Fork(out var child));
        Assert.Null(child);
        Assert.Equal(-Errno.ENOSYS, mm.Execute(Operation.Madvise(0x10000, Page, MadviseAdvice.Dontfork)));
    }
}
