// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics.CodeAnalysis;
using Testbed.Contract;

namespace Testbed.Interop;

/// <summary>
/// One address space of config <typeparamref name="TApi"/>. Each operation comes twice: a
/// <c>Try*</c> method returning the kernel-style result (value or negative errno) unchanged,
/// and a throwing method raising a <see cref="TestbedErrnoException"/> subclass on failure.
/// Thread-safe as the native mm is; Dispose destroys the mm once no call is running.
/// </summary>
public sealed unsafe partial class NativeMm<TApi> : IDisposable where TApi : struct, ITestbedApi
{
    private NativeMm(NativeMmHandle<TApi> handle) => Handle = handle;

    /// <summary>The owning SafeHandle.</summary>
    public NativeMmHandle<TApi> Handle { get; }

    /// <summary>The config of this mm, e.g. "mmu-spf".</summary>
    public static string ConfigName => TApi.ConfigName;

    /// <summary>Creates an mm (tb_mm_create); throws on failure.</summary>
    public static NativeMm<TApi> Create(uint flags = 0)
    {
        var result = NativeMmHandle<TApi>.Create(flags, out var handle);
        if (result < 0)
        {
            handle.Dispose();
            throw TestbedErrnoException.FromResult(result, $"tb_mm_create(0x{flags:x})");
        }
        return new NativeMm<TApi>(handle);
    }

    /// <summary>Destroys the mm (tb_mm_destroy) once no call holds it.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>
    /// Destroys the mm (tb_mm_destroy) and returns the violations its teardown recorded (empty
    /// when clean). When a call still holds the handle, the teardown runs when that call ends and
    /// this returns before it: read <see cref="NativeMmHandle{TApi}.TeardownViolations"/> then.
    /// </summary>
    public IReadOnlyList<TbViolation> Destroy()
    {
        Handle.Dispose();
        return Handle.TeardownViolations;
    }

    /// <summary>tb_mm_set_threads: 0 or a negative errno.</summary>
    public int TrySetThreads(uint threads)
    {
        using var mm = Enter();
        return TApi.MmSetThreads(mm.Cookie, threads);
    }

    /// <summary>tb_mm_set_threads: <paramref name="threads"/> threads share the mm.</summary>
    public void SetThreads(uint threads)
    {
        var result = TrySetThreads(threads);
        if (result < 0)
            Throw(result, $"tb_mm_set_threads({threads})");
    }

    /// <summary>Test-only tb_debug_leak_file: 0 or a negative errno.</summary>
    public int TryDebugLeakFile(int fd)
    {
        using var mm = Enter();
        return TApi.DebugLeakFile(mm.Cookie, fd);
    }

    /// <summary>tb_mmap: the mapped address, or a negative errno.</summary>
    public long TryMmap(ulong addr, ulong len, Prot prot, MapFlags flags, int fd = -1, ulong pgoff = 0)
    {
        using var mm = Enter();
        return TApi.Mmap(mm.Cookie, addr, len, (uint)prot, (uint)flags, fd, pgoff);
    }

    /// <summary>tb_mmap: the mapped address.</summary>
    public ulong Mmap(ulong addr, ulong len, Prot prot, MapFlags flags, int fd = -1, ulong pgoff = 0)
    {
        var result = TryMmap(addr, len, prot, flags, fd, pgoff);
        if (result < 0)
            Throw(result, $"tb_mmap(0x{addr:x}, 0x{len:x}, 0x{(uint)prot:x}, 0x{(uint)flags:x}, {fd}, 0x{pgoff:x})");
        return (ulong)result;
    }

    /// <summary>tb_munmap: 0 or a negative errno.</summary>
    public int TryMunmap(ulong addr, ulong len)
    {
        using var mm = Enter();
        return TApi.Munmap(mm.Cookie, addr, len);
    }

    /// <summary>tb_munmap.</summary>
    public void Munmap(ulong addr, ulong len)
    {
        var result = TryMunmap(addr, len);
        if (result < 0)
            Throw(result, $"tb_munmap(0x{addr:x}, 0x{len:x})");
    }

    /// <summary>tb_mprotect: 0 or a negative errno.</summary>
    public int TryMprotect(ulong addr, ulong len, Prot prot)
    {
        using var mm = Enter();
        return TApi.Mprotect(mm.Cookie, addr, len, (uint)prot);
    }

    /// <summary>tb_mprotect.</summary>
    public void Mprotect(ulong addr, ulong len, Prot prot)
    {
        var result = TryMprotect(addr, len, prot);
        if (result < 0)
            Throw(result, $"tb_mprotect(0x{addr:x}, 0x{len:x}, 0x{(uint)prot:x})");
    }

    /// <summary>tb_mbind: 0 or a negative errno.</summary>
    public int TryMbind(ulong addr, ulong len, MpolMode mode)
    {
        using var mm = Enter();
        return TApi.Mbind(mm.Cookie, addr, len, (uint)mode);
    }

    /// <summary>tb_mbind.</summary>
    public void Mbind(ulong addr, ulong len, MpolMode mode)
    {
        var result = TryMbind(addr, len, mode);
        if (result < 0)
            Throw(result, $"tb_mbind(0x{addr:x}, 0x{len:x}, {(uint)mode})");
    }

    /// <summary>tb_madvise (the fork behaviours): 0 or a negative errno.</summary>
    public int TryMadvise(ulong addr, ulong len, MadviseAdvice advice)
    {
        using var mm = Enter();
        return TApi.Madvise(mm.Cookie, addr, len, (uint)advice);
    }

    /// <summary>tb_madvise.</summary>
    public void Madvise(ulong addr, ulong len, MadviseAdvice advice)
    {
        var result = TryMadvise(addr, len, advice);
        if (result < 0)
            Throw(result, $"tb_madvise(0x{addr:x}, 0x{len:x}, {(uint)advice})");
    }

    /// <summary>tb_fork: 0 and the child mm (a full mm of its own, to dispose), or a negative errno and null.</summary>
    public int TryFork(out NativeMm<TApi>? child)
    {
        int result;
        NativeMmHandle<TApi> handle;
        using (var mm = Enter())
            result = NativeMmHandle<TApi>.Fork(mm.Cookie, out handle);
        if (result < 0)
        {
            handle.Dispose();
            child = null;
            return result;
        }
        child = new NativeMm<TApi>(handle);
        return result;
    }

    /// <summary>tb_fork: the child mm.</summary>
    public NativeMm<TApi> Fork()
    {
        var result = TryFork(out var child);
        if (result < 0)
            Throw(result, "tb_fork");
        return child!;
    }

    /// <summary>tb_fault: a <see cref="FaultResult"/> value or a negative errno.</summary>
    public int TryFault(ulong addr, FaultFlags flags)
    {
        using var mm = Enter();
        return TApi.Fault(mm.Cookie, addr, (uint)flags);
    }

    /// <summary>tb_fault: how the fault was handled.</summary>
    public FaultResult Fault(ulong addr, FaultFlags flags)
    {
        var result = TryFault(addr, flags);
        if (result < 0)
            Throw(result, $"tb_fault(0x{addr:x}, 0x{(uint)flags:x})");
        return (FaultResult)result;
    }

    /// <summary>tb_file_open: the fd or a negative errno.</summary>
    public int TryFileOpen(ulong size, FileFlags flags)
    {
        using var mm = Enter();
        return TApi.FileOpen(mm.Cookie, size, (uint)flags);
    }

    /// <summary>tb_file_open: the fd.</summary>
    public int FileOpen(ulong size, FileFlags flags)
    {
        var result = TryFileOpen(size, flags);
        if (result < 0)
            Throw(result, $"tb_file_open(0x{size:x}, 0x{(uint)flags:x})");
        return result;
    }

    /// <summary>tb_file_close: 0 or a negative errno.</summary>
    public int TryFileClose(int fd)
    {
        using var mm = Enter();
        return TApi.FileClose(mm.Cookie, fd);
    }

    /// <summary>tb_file_close.</summary>
    public void FileClose(int fd)
    {
        var result = TryFileClose(fd);
        if (result < 0)
            Throw(result, $"tb_file_close({fd})");
    }

    /// <summary>tb_batch: runs <paramref name="ops"/>, writing each result back; the call's own result.</summary>
    public int TryBatch(Span<TbOp> ops)
    {
        using var mm = Enter();
        fixed (TbOp* p = ops)
            return TApi.Batch(mm.Cookie, p, ops.Length);
    }

    /// <summary>tb_batch; throws only when the call itself fails (per-op results are in the ops).</summary>
    public int Batch(Span<TbOp> ops)
    {
        var result = TryBatch(ops);
        if (result < 0)
            Throw(result, $"tb_batch(ops, {ops.Length})");
        return result;
    }

    /// <summary>tb_inject_alloc_failure: 0 or a negative errno.</summary>
    public int TryInjectAllocFailure(CacheKind cache, ulong nth)
    {
        using var mm = Enter();
        return TApi.InjectAllocFailure(mm.Cookie, (uint)cache, nth);
    }

    /// <summary>tb_inject_alloc_failure: the nth later allocation from <paramref name="cache"/> fails.</summary>
    public void InjectAllocFailure(CacheKind cache, ulong nth)
    {
        var result = TryInjectAllocFailure(cache, nth);
        if (result < 0)
            Throw(result, $"tb_inject_alloc_failure({(uint)cache}, {nth})");
    }

    /// <summary>Takes a reference on the handle for one call (throws ObjectDisposedException after Dispose).</summary>
    public NativeMmLease<TApi> Enter() => new(Handle);

    [DoesNotReturn]
    private static void Throw(long result, string operation) =>
        throw TestbedErrnoException.FromResult(result, operation);
}
