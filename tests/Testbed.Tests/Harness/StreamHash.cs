// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Harness.Workloads;

namespace Testbed.Tests.Harness;

/// <summary>
/// A fingerprint of a stream's items: FNV-1a 64 over every field of every item
/// and the count, so any changed, added or dropped item changes it.
/// </summary>
internal static class StreamHash
{
    private const ulong Offset = 0xcbf29ce484222325;
    private const ulong Prime = 0x100000001b3;

    /// <summary>The fingerprint of <paramref name="items"/> as 16 hex digits.</summary>
    public static string Of(IEnumerable<WorkItem> items)
    {
        var hash = Offset;
        var count = 0L;
        foreach (var item in items)
        {
            var op = item.Op;
            foreach (var field in new[] { (ulong)op.Kind, op.Addr, op.Len, (ulong)op.Prot, op.Flags, (ulong)(long)op.Fd, op.PgOff, (ulong)(long)item.AddrFrom })
                hash = Mix(hash, field);
            count++;
        }

        return Mix(hash, (ulong)count).ToString("x16");
    }

    private static ulong Mix(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++, value >>= 8)
            hash = (hash ^ (value & 0xff)) * Prime;
        return hash;
    }
}
