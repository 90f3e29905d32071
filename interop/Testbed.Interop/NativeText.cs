// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Interop;

/// <summary>Reads NUL-terminated C strings out of fixed buffers and pointers.</summary>
public static unsafe class NativeText
{
    /// <summary>The UTF-8 text before the first NUL of a fixed buffer of <paramref name="length"/> bytes.</summary>
    public static string FromBuffer(byte* buffer, int length)
    {
        var span = new ReadOnlySpan<byte>(buffer, length);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    /// <summary>The UTF-8 text of a NUL-terminated string; empty for null.</summary>
    public static string FromPointer(byte* text) =>
        text == null ? string.Empty : Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));
}
