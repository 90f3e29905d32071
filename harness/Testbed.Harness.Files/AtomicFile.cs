// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Harness.Files;

/// <summary>
/// Writes a result or report whole or not at all: into a temporary file in the target's folder,
/// flushed to disk, then renamed over the target (rename(2) replaces it in one step). A reader
/// sees the old file or the new one, never a torn one; of two writers at once each leaves a whole
/// file and the last rename wins. A link is followed: its final target is replaced, not the link.
/// The target must be a regular file or missing: a folder, a device (/dev/null, /dev/full) or a
/// FIFO cannot be replaced, so it is refused, by <see cref="Probe"/> before any work and by the
/// writers. An existing target keeps its permissions.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void WriteAllText(string path, string text) => Write(path, stream => stream.Write(Utf8.GetBytes(text)));

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Target(path);
        if (FileKind.NotRegular(target) is { } what)
            throw new IOException($"{target} is {what}, not a file that can be replaced");
        var temp = TempPath(target);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && File.Exists(target))
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> can be written as <see cref="Write"/> writes it, checked by
    /// doing it: its folder is created, a temporary file in it is written a byte, flushed to disk
    /// and removed (a read-only or full file system fails here), and an existing target must be a
    /// regular file this process may write. Null when it can, else why not (one line).
    /// </summary>
    public static string? Probe(string path)
    {
        try
        {
            var target = Target(path);
            if (FileKind.NotRegular(target) is { } what)
                return $"it is {what}; results and reports are regular files, replaced whole";
            if (File.Exists(target))
                new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite).Dispose();
            return ProbeFolder(Path.GetDirectoryName(target)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Whether files can be written into <paramref name="folder"/> (created when missing): a
    /// temporary file in it is written a byte, flushed to disk and removed. Null when they can, else why not.
    /// </summary>
    public static string? ProbeFolder(string folder)
    {
        string? temp = null;
        try
        {
            Directory.CreateDirectory(folder);
            temp = TempPath(Path.Combine(Path.GetFullPath(folder), "probe"));
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(0);
                stream.Flush(flushToDisk: true);
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return e.Message;
        }
        finally
        {
            if (temp is not null)
                File.Delete(temp);
        }
    }

    /// <summary>The full path to replace: <paramref name="path"/>, or the final target of the link it is; its folder created.</summary>
    private static string Target(string path)
    {
        var full = Path.GetFullPath(path);
        var target = new FileInfo(full).LinkTarget is null ? full : File.ResolveLinkTarget(full, returnFinalTarget: true)!.FullName;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return target;
    }

    /// <summary>A fresh hidden name beside <paramref name="target"/>: in its folder, so the rename stays on one file system.</summary>
    private static string TempPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
}
