// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;

namespace Testbed.Interop;

/// <summary>VMA references, snapshots, stats, validation, violations and events.</summary>
public sealed unsafe partial class NativeMm<TApi>
{
    /// <summary>tb_get_vma: 0 or a negative errno; a reference and the VMA on success.</summary>
    public int TryGetVma(ulong addr, out ulong reference, out TbVmaInfo info)
    {
        using var mm = Enter();
        fixed (ulong* r = &reference)
        fixed (TbVmaInfo* i = &info)
        {
            *r = 0;
            *i = default;
            return TApi.GetVma(mm.Cookie, addr, r, i);
        }
    }

    /// <summary>tb_get_vma: a reference on the first VMA ending above <paramref name="addr"/>.</summary>
    public ulong GetVma(ulong addr, out TbVmaInfo info)
    {
        var result = TryGetVma(addr, out var reference, out info);
        if (result < 0)
            Throw(result, $"tb_get_vma(0x{addr:x}, &ref, &info)");
        return reference;
    }

    /// <summary>tb_vma_ref_info: 0 or a negative errno.</summary>
    public int TryVmaRefInfo(ulong reference, out TbVmaInfo info)
    {
        using var mm = Enter();
        fixed (TbVmaInfo* i = &info)
        {
            *i = default;
            return TApi.VmaRefInfo(mm.Cookie, reference, i);
        }
    }

    /// <summary>tb_vma_ref_info: the VMA a reference holds, even after it left the tree.</summary>
    public TbVmaInfo VmaRefInfo(ulong reference)
    {
        var result = TryVmaRefInfo(reference, out var info);
        if (result < 0)
            Throw(result, $"tb_vma_ref_info(0x{reference:x}, &info)");
        return info;
    }

    /// <summary>tb_put_vma: 0 or a negative errno.</summary>
    public int TryPutVma(ulong reference)
    {
        using var mm = Enter();
        return TApi.PutVma(mm.Cookie, reference);
    }

    /// <summary>tb_put_vma.</summary>
    public void PutVma(ulong reference)
    {
        var result = TryPutVma(reference);
        if (result < 0)
            Throw(result, $"tb_put_vma(0x{reference:x})");
    }

    /// <summary>tb_snapshot into <paramref name="buffer"/>: the count or a negative errno.</summary>
    public int TrySnapshot(Span<TbVmaInfo> buffer)
    {
        using var mm = Enter();
        fixed (TbVmaInfo* p = buffer)
            return TApi.Snapshot(mm.Cookie, p, buffer.Length);
    }

    /// <summary>tb_snapshot: every VMA in address order (the buffer grows until it holds them all).</summary>
    public TbVmaInfo[] Snapshot() => Collect<TbVmaInfo>(64, TrySnapshot, "tb_snapshot");

    /// <summary>tb_stats: 0 or a negative errno.</summary>
    public int TryStats(out TbStats stats)
    {
        using var mm = Enter();
        fixed (TbStats* s = &stats)
        {
            *s = default;
            return TApi.Stats(mm.Cookie, s);
        }
    }

    /// <summary>tb_stats.</summary>
    public TbStats Stats()
    {
        var result = TryStats(out var stats);
        if (result < 0)
            Throw(result, "tb_stats(&stats)");
        return stats;
    }

    /// <summary>tb_validate: the number of problems found, or a negative errno.</summary>
    public int TryValidate()
    {
        using var mm = Enter();
        return TApi.Validate(mm.Cookie);
    }

    /// <summary>tb_validate: the number of problems found (each recorded as a violation).</summary>
    public int Validate()
    {
        var result = TryValidate();
        if (result < 0)
            Throw(result, "tb_validate()");
        return result;
    }

    /// <summary>tb_violations into <paramref name="buffer"/>: the count or a negative errno.</summary>
    public int TryViolations(Span<TbViolation> buffer)
    {
        using var mm = Enter();
        fixed (TbViolation* p = buffer)
            return TApi.Violations(mm.Cookie, p, buffer.Length);
    }

    /// <summary>tb_violations: every violation recorded in this mm.</summary>
    public TbViolation[] Violations() => Collect<TbViolation>(16, TryViolations, "tb_violations");

    /// <summary>tb_trace: 0 or a negative errno.</summary>
    public int TryTrace(bool enable) => TryTrace(enable ? TraceMode.Lifecycle : TraceMode.Off);

    /// <summary>tb_trace with a mode: 0 or a negative errno.</summary>
    public int TryTrace(TraceMode mode)
    {
        using var mm = Enter();
        return TApi.Trace(mm.Cookie, (int)mode);
    }

    /// <summary>tb_trace: starts or stops recording lifecycle events.</summary>
    public void Trace(bool enable) => Trace(enable ? TraceMode.Lifecycle : TraceMode.Off);

    /// <summary>tb_trace: which events are recorded (the order events with <see cref="TraceMode.Order"/>).</summary>
    public void Trace(TraceMode mode)
    {
        var result = TryTrace(mode);
        if (result < 0)
            Throw(result, $"tb_trace({(int)mode})");
    }

    /// <summary>tb_events into <paramref name="buffer"/>: the number returned (and forgotten) or a negative errno.</summary>
    public int TryEvents(Span<TbEvent> buffer)
    {
        using var mm = Enter();
        fixed (TbEvent* p = buffer)
            return TApi.Events(mm.Cookie, p, buffer.Length);
    }

    /// <summary>tb_events until drained: every event recorded since the last drain.</summary>
    public List<TbEvent> DrainEvents()
    {
        var events = new List<TbEvent>();
        var buffer = new TbEvent[256];
        while (true)
        {
            var result = TryEvents(buffer);
            if (result < 0)
                Throw(result, $"tb_events(buf, {buffer.Length})");
            var count = Math.Min(result, buffer.Length);
            events.AddRange(buffer.AsSpan(0, count));
            if (count < buffer.Length)
                return events;
        }
    }

    private delegate int Fill<T>(Span<T> buffer);

    // A result equal to the capacity may mean "truncated", so the buffer grows until the
    // count is below it; a count above it (the native side reporting the total) or
    // -ENOBUFS grows it as well.
    private static T[] Collect<T>(int capacity, Fill<T> fill, string name)
    {
        while (true)
        {
            var buffer = new T[capacity];
            var result = fill(buffer);
            if (result == -Errno.ENOBUFS || result >= capacity)
            {
                capacity = Math.Max(capacity * 2, result + 1);
                continue;
            }
            if (result < 0)
                Throw(result, $"{name}(buf, {capacity})");
            return buffer.AsSpan(0, result).ToArray();
        }
    }
}
