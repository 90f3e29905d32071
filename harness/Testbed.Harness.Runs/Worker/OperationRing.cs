// SPDX-License-Identifier: GPL-2.0-only
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Testbed.Contract;
using Testbed.Harness.Concurrent;

namespace Testbed.Harness.Worker;

/// <summary>
/// The last operations each worker thread started, kept in a small file mapped
/// shared into the worker: stores land in the page cache as they happen, so the
/// file still holds them after the process dies of a signal, with nothing to
/// flush. The parent reads it back with <see cref="ReadLast"/>.
/// </summary>
public sealed unsafe class OperationRing : IOperationObserver, IDisposable
{
    /// <summary>Entries kept per thread.</summary>
    public const int SlotsPerThread = 8;

    private const uint Magic = 0x54425247; // "TBRG"
    // A cache line, so each thread's slots (8 x 48 bytes = 6 lines) start on a line of their own.
    private const int HeaderSize = 64;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly int _threads;

    /// <summary>Creates (or truncates) the ring file at <paramref name="path"/> for <paramref name="threads"/> threads.</summary>
    public OperationRing(string path, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        _threads = threads;
        var size = HeaderSize + (long)threads * SlotsPerThread * sizeof(Entry);
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Create, null, size, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, size);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
        NativeMemory.Clear(_base, (nuint)size);
        *(uint*)_base = Magic;
        *(int*)(_base + 4) = threads;
    }

    /// <inheritdoc/>
    public void OnStart(int thread, long index, in Operation op)
    {
        if ((uint)thread >= (uint)_threads)
            return;
        var slot = (Entry*)(_base + HeaderSize) + thread * SlotsPerThread + index % SlotsPerThread;
        // Index last and +1, so a half-written entry reads as empty or stale, never as new.
        slot->Index = 0;
        slot->Kind = (uint)op.Kind;
        slot->Prot = (uint)op.Prot;
        slot->Flags = op.Flags;
        slot->Fd = op.Fd;
        slot->Addr = op.Addr;
        slot->Len = op.Len;
        slot->PgOff = op.PgOff;
        Volatile.Write(ref slot->Index, index + 1);
    }

    /// <summary>
    /// The operations recorded in the ring file at <paramref name="path"/>, oldest
    /// first per thread, as "thread T #I: op"; empty when there is no valid file.
    /// </summary>
    public static IReadOnlyList<string> ReadLast(string path)
    {
        if (!File.Exists(path))
            return [];
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || BitConverter.ToUInt32(bytes, 0) != Magic)
            return [];
        var threads = BitConverter.ToInt32(bytes, 4);
        var entries = MemoryMarshal.Cast<byte, Entry>(bytes.AsSpan(HeaderSize));
        var lines = new List<string>();
        for (var t = 0; t < threads && (t + 1) * SlotsPerThread <= entries.Length; t++)
        {
            var slots = entries.Slice(t * SlotsPerThread, SlotsPerThread).ToArray()
                .Where(e => e.Index > 0)
                .OrderBy(e => e.Index);
            foreach (var e in slots)
            {
                var op = new Operation((OpKind)e.Kind, e.Addr, e.Len, (Prot)e.Prot, e.Flags, e.Fd, e.PgOff);
                var text = op.Kind switch
                {
                    OpKind.GetVma => $"get_vma(0x{op.Addr:x})",
                    OpKind.PutVma => "put_vma(oldest)",
                    _ => op.ToString(),
                };
                lines.Add($"thread {t} #{e.Index - 1}: {text}");
            }
        }

        return lines;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public long Index;
        public uint Kind;
        public uint Prot;
        public uint Flags;
        public int Fd;
        public ulong Addr;
        public ulong Len;
        public ulong PgOff;
    }
}
