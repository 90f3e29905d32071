// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.AB;

/// <summary>
/// The nommu operation mix, chosen from a seed and the reference side's current layout:
/// three files (direct+copy, copy, direct), anonymous and file mappings at random pgoffs
/// (so regions are shared and sharing violations happen), whole, partial and middle
/// munmaps, closes and opens, and the calls nommu refuses (mprotect, fault).
/// The same choices as native/tests/nommu/ab.c.
/// </summary>
public sealed class SequenceGenerator(ulong seed, int ops)
{
    private const ulong Page = 4096;
    private readonly SplitMix64 _rng = new(seed);

    /// <summary>Number of random operations before the teardown.</summary>
    public int Ops { get; } = ops;

    /// <summary>Operation number <paramref name="opNo"/>; past <see cref="Ops"/> it unmaps the first VMA.</summary>
    public Operation Next(int opNo, IReadOnlyList<VmaInfo> layout)
    {
        var r = _rng.Below(100UL);
        if (opNo < 3)
        {
            FileFlags[] flags = [FileFlags.MapDirect | FileFlags.MapCopy, FileFlags.MapCopy, FileFlags.MapDirect];
            return Operation.FileOpen((opNo == 2 ? 8UL : 16UL) * Page, flags[opNo]);
        }

        if (opNo >= Ops)
        {
            return Operation.Munmap(layout[0].Start, layout[0].End - layout[0].Start);
        }

        if (r < 25)
        {
            var flags = MapFlags.Anonymous | (_rng.Below(4UL) != 0 ? MapFlags.Private : MapFlags.Shared);
            var prot = Prot.Read | (_rng.Below(2UL) != 0 ? Prot.Write : Prot.None);
            return Operation.Mmap(0, (1 + _rng.Below(8UL)) * Page, prot, flags);
        }

        if (r < 55)
        {
            var flags = _rng.Below(2UL) != 0 ? MapFlags.Private : MapFlags.Shared;
            var prot = Prot.Read | (_rng.Below(3UL) != 0 ? Prot.None : Prot.Write) |
                       (_rng.Below(8UL) != 0 ? Prot.None : Prot.Exec);
            var fd = (int)_rng.Below(4UL);
            var pgoff = _rng.Below(14UL);
            var len = (1 + _rng.Below(6UL)) * Page;
            if (_rng.Below(16UL) == 0)
            {
                flags |= MapFlags.Fixed;
            }

            return Operation.Mmap(0, len, prot, flags, fd, pgoff);
        }

        if (r < 85 && layout.Count > 0)
        {
            var v = layout[(int)_rng.Below((ulong)layout.Count)];
            var pages = (v.End - v.Start) / Page;
            var s = _rng.Below(pages);
            var e = s + 1 + _rng.Below(pages - s);
            return _rng.Below(4UL) == 0
                ? Operation.Munmap(v.Start, v.End - v.Start)
                : Operation.Munmap(v.Start + s * Page, (e - s) * Page);
        }

        if (r < 90)
        {
            var addr = 0x40000000UL + _rng.Below(64UL) * Page;
            return Operation.Munmap(addr, (1 + _rng.Below(4UL)) * Page);
        }

        if (r < 94)
        {
            return Operation.FileClose((int)_rng.Below(4UL));
        }

        if (r < 97)
        {
            var flags = (FileFlags)_rng.Below(4UL);
            return Operation.FileOpen((1 + _rng.Below(16UL)) * Page, flags);
        }

        var target = layout.Count > 0 ? layout[0].Start : 0x40000000UL;
        return _rng.Below(2UL) != 0
            ? Operation.Mprotect(target, Page, Prot.Read)
            : Operation.Fault(target, FaultFlags.Read);
    }
}
