// SPDX-License-Identifier: GPL-2.0-only
using System.Runtime.InteropServices;

namespace Testbed.Harness.Files;

/// <summary>
/// What a path is, from statx(2) (following links), for the checks that must not open it: a FIFO
/// blocks an open for writing until a reader comes, and a device must never be renamed over.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx's stx_mode: the same on every architecture
    private const int StatxSize = 256;

    /// <summary>Null when <paramref name="path"/> is missing or a regular file; otherwise what it is ("a folder", "a character device", ...).</summary>
    public static unsafe string? NotRegular(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            return null;
        return (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a folder",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
