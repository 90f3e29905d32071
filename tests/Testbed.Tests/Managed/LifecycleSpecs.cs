// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Managed.ManagedFixture;

namespace Testbed.Tests.Managed;

/// <summary>Object ids, allocation order, events and allocation-failure injection.</summary>
public sealed class LifecycleSpecs
{
    [Fact]
    public void A_split_allocates_the_vma_then_the_policy_copy_then_takes_the_file()
    {
        // Arrange: a private file mapping with a policy
        using var mm = Create();
        var fd = (int)mm.Execute(Operation.FileOpen(16 * Page, FileFlags.None));
        mm.Execute(Operation.Mmap(P(0), 8 * Page, Prot.Read, MapFlags.Private | MapFlags.Fixed, fd));
        mm.Execute(Operation.Mbind(P(0), 8 * Page, MpolMode.Interleave));
        mm.Trace(true);

        // Act: munmap the middle page: two splits, then the middle VMA goes
        mm.Execute(Operation.Munmap(P(3), Page));

        // Assert
        var types = mm.DrainEvents().Select(e => e.Type).ToArray();
        Assert.Equal(
            [
                EventType.VmaAlloc, EventType.MpolAlloc, EventType.FileGet,
                EventType.VmaAlloc, EventType.MpolAlloc, EventType.FileGet,
                EventType.FilePut, EventType.MpolPut, EventType.MpolFree, EventType.VmaFree,
            ],
            types);
        mm.AssertHealthy();
    }

    [Fact]
    public void An_injected_failure_takes_no_id_and_the_operation_fails_cleanly()
    {
        using var mm = Create();
        mm.MapFixed(0, 1, Prot.Read);
        mm.InjectAllocFailure(CacheKind.Vma, 1);

        Assert.Equal(-Errno.ENOMEM, mm.MapFixed(4, 1, Prot.Read));
        mm.MapFixed(8, 1, Prot.Read);

        var s = mm.GetStats();
        Assert.Equal((2UL, 1UL), (s.Allocations, s.InjectedFailures));
        Assert.Equal(2UL, mm.At(8).Id);
        Assert.Equal(-Errno.ENOMEM, Fail(mm, CacheKind.Any, 1, Operation.Munmap(P(8) - Page, 2 * Page)));
        mm.AssertHealthy();
    }

    private static long Fail(Testbed.Managed.ManagedAddressSpace mm, CacheKind cache, ulong nth, Operation op)
    {
        mm.MapFixed(7, 3, Prot.Read | Prot.Exec);
        mm.InjectAllocFailure(cache, nth);
        return mm.Execute(op);
    }

    [Fact]
    public void Events_carry_the_op_seq_of_the_operation_that_caused_them()
    {
        using var mm = Create();
        mm.Trace(true);
        mm.Execute(Operation.Munmap(P(0), Page));

        mm.MapFixed(0, 1, Prot.Read, MapFlags.Shared);

        var events = mm.DrainEvents();
        Assert.Equal([EventType.VmaAlloc, EventType.FileAlloc], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal((2UL, OpKind.Mmap), (e.OpSeq, e.Op)));
    }
}
