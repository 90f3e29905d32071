// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Xunit;
using static Testbed.Tests.Model.ModelFixture;

namespace Testbed.Tests.Model;

/// <summary>
/// The order events (tb_trace(mm, TB_TRACE_ORDER)) where mm/mmap.c's __vma_adjust puts them:
/// the write sections on the VMA and its next open before anything changes, the anon_vma
/// import (case 1) included; a port that opened them later drifted (issue 22).
/// </summary>
public sealed class OrderEventSpecs
{
    private static string[] Order(IAddressSpace mm) =>
        mm.DrainEvents().Select(e => $"{e.Type} {(e.Type is EventType.LockAcquire or EventType.LockRelease ? ((LockClass)e.ObjectId).ToString() : e.ObjectId.ToString())}").ToArray();

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_1_opens_both_write_sections_before_the_anon_vma_import(string backend, string config)
    {
        // 01234567      01234567
        // AAAA  CC  ->  AAAAAAAA   (C written first: it has the anon_vma A imports)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, RW), "mmap A");
        Ok(mm.MapAnon(6, 2, RW), "mmap C");
        Ok(mm.Fault(6, FaultFlags.Write), "fault C");
        var a = mm.At(0).Id;
        var c = mm.At(6).Id;
        mm.Trace(TraceMode.Order);

        Ok(mm.MapAnon(4, 2, RW), "mmap the hole");

        var events = Order(mm);
        var trace = string.Join('\n', events);
        var link = Array.FindIndex(events, e => e.StartsWith("AnonVmaLink", StringComparison.Ordinal));
        Assert.True(link > 0, trace);
        Assert.True(Array.IndexOf(events, $"VmaWriteBegin {a}") is var ba && ba >= 0 && ba < link, trace);
        Assert.True(Array.IndexOf(events, $"VmaWriteBegin {c}") is var bc && bc >= 0 && bc < link, trace);
        Assert.Equal("LockAcquire MmapSem", events[0]);
        Assert.Equal("LockRelease MmapSem", events[^1]);
        mm.AssertHealthy();
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Case_8_opens_the_vma_s_write_section_before_the_next_one_s(string backend, string config)
    {
        // 01234567      01234567
        // AAAABBBB  ->  BBBBBBBB   (mprotect A to B's protection: A goes, B grows down)
        using var mm = Create(backend, config);
        Ok(mm.MapAnon(0, 4, R), "mmap A");
        Ok(mm.MapAnon(4, 4, RW), "mmap B");
        var a = mm.At(0).Id;
        var b = mm.At(4).Id;
        mm.Trace(TraceMode.Order);

        Ok(mm.Mprotect(0, 4, RW), "mprotect A");

        var begins = Order(mm).Where(e => e.StartsWith("VmaWriteBegin", StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"VmaWriteBegin {a}", $"VmaWriteBegin {b}"], begins.Take(2));
        mm.AssertHealthy();
    }

    [Fact]
    public void The_managed_port_rejects_a_mode_tb_trace_does_not_know()
    {
        using var mm = Create(Testbed.Harness.Backends.AddressSpaceFactory.Managed, "mmu-spf");

        Assert.Throws<ArgumentOutOfRangeException>(() => mm.Trace(TraceMode.Order + 1));
    }

    [Theory, MemberData(nameof(All), MemberType = typeof(ModelFixture))]
    public void Order_events_come_only_under_the_order_mode_and_only_inside_operations(string backend, string config)
    {
        using var mm = Create(backend, config);
        mm.Trace(true);
        Ok(mm.MapAnon(0, 4, RW), "mmap");
        Assert.Equal(["VmaAlloc"], mm.DrainEvents().Select(e => e.Type.ToString()));

        mm.Trace(TraceMode.Order);
        _ = mm.Snapshot();
        _ = mm.GetStats();
        Assert.Empty(mm.DrainEvents());
        Ok(mm.Mprotect(0, 2, R), "mprotect");
        var events = mm.DrainEvents();
        Assert.Contains(events, e => e.Type == EventType.VmaWriteBegin);
        Assert.Equal(
            events.Count(e => e.Type == EventType.LockAcquire),
            events.Count(e => e.Type == EventType.LockRelease));
    }
}
