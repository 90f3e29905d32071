// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/fs.h: struct file with f_count; file_alloc, get_file, fput.
using Testbed.Contract;

namespace Testbed.Managed.Kernel;

/// <summary>struct file: refcounted, all files are open read-write.</summary>
internal sealed class File : KmemObject
{
    private RefCount fCount;

    private File(KmemAccount account, ulong id, ulong size, FileFlags flags)
        : base(account, CacheKind.File, id)
    {
        Size = size;
        Flags = flags;
        fCount.Set(1);
    }

    /// <summary>Size in bytes (i_size).</summary>
    public ulong Size { get; }

    /// <summary>nommu capabilities.</summary>
    public FileFlags Flags { get; }

    /// <summary>f_count.</summary>
    public int FCount => fCount.Read();

    /// <summary>file_alloc: a new file with f_count 1, or null when the allocation fails.</summary>
    public static File? Alloc(KmemAccount account, ulong size, FileFlags flags)
    {
        if (!account.TryAlloc(CacheKind.File, out var id))
            return null;
        var file = new File(account, id, size, flags);
        Trace.Event(EventType.FileAlloc, id, 1);
        return file;
    }

    /// <summary>get_file: takes a reference and returns the file.</summary>
    public File Get()
    {
        CheckLive();
        var after = fCount.Inc(this);
        Trace.Event(EventType.FileGet, Id, after);
        return this;
    }

    /// <summary>fput: drops a reference, freeing the file at zero.</summary>
    public void Put()
    {
        CheckLive();
        var after = fCount.Dec(this);
        Trace.Event(EventType.FilePut, Id, after);
        if (after == 0)
        {
            Trace.Event(EventType.FileFree, Id, 0);
            KmemCacheFree();
        }
    }
}
