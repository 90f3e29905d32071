// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.AB;

/// <summary>
/// The nommu operation mix, chosen from a seed and the reference side's current layout:
/// three files (direct+copy, copy, direct), anonymous and file mappings at random pgoffs
/// (so regions are shared and sharing violations happen), whole, partial and middle
/// munmaps, closes and opens, and the calls nommu refuses (mprotect, fault).
/// The same choices as native/tests/nommu/ab.c (there: thresholds over a roll of 100, here the
/// same weights), the A/B member of the generator family (<see cref="OperationGenerator{TKind}"/>).
/// </summary>
public sealed class SequenceGenerator(ulong seed, int ops) : OperationGenerator<SequenceGenerator.Step>(new SplitMix64(seed), Kinds)
{
    private const ulong Page = 4096;

    /// <summary>The A/B's kinds of step, in ab.c's order.</summary>
    public enum Step
    {
        /// <summary>An anonymous mapping.</summary>
        AnonMmap,

        /// <summary>A file mapping at a random pgoff.</summary>
        FileMmap,

        /// <summary>An munmap of a whole VMA or part of one (a random munmap when there is none).</summary>
        VmaMunmap,

        /// <summary>An munmap at a random address.</summary>
        RandomMunmap,

        /// <summary>A file_close.</summary>
        FileClose,

        /// <summary>A file_open with random flags.</summary>
        FileOpen,

        /// <summary>A call nommu refuses: mprotect or fault.</summary>
        Refused,
    }

    /// <summary>Number of random operations before the teardown.</summary>
    public int Ops { get; } = ops;

    private static Weights<Step> Kinds { get; } = new(
        (Step.AnonMmap, 25), (Step.FileMmap, 30), (Step.VmaMunmap, 30), (Step.RandomMunmap, 5),
        (Step.FileClose, 4), (Step.FileOpen, 3), (Step.Refused, 3));

    /// <summary>Operation number <paramref name="opNo"/>; past <see cref="Ops"/> it unmaps the first VMA.</summary>
    public Operation Next(int opNo, IReadOnlyList<VmaInfo> layout)
    {
        // ab.c rolls for every operation, the setup and the teardown too
        var step = NextKind();
        if (opNo < 3)
        {
            FileFlags[] flags = [FileFlags.MapDirect | FileFlags.MapCopy, FileFlags.MapCopy, FileFlags.MapDirect];
            return Operation.FileOpen((opNo == 2 ? 8UL : 16UL) * Page, flags[opNo]);
        }

        if (opNo >= Ops)
        {
            return Operation.Munmap(layout[0].Start, layout[0].End - layout[0].Start);
        }

        if (step == Step.VmaMunmap && layout.Count == 0)
        {
            step = Step.RandomMunmap;
        }

        switch (step)
        {
            case Step.AnonMmap:
            {
                var flags = MapFlags.Anonymous | (Rng.Below(4UL) != 0 ? MapFlags.Private : MapFlags.Shared);
                var prot = Prot.Read | (Rng.Below(2UL) != 0 ? Prot.Write : Prot.None);
                return Operation.Mmap(0, (1 + Rng.Below(8UL)) * Page, prot, flags);
            }

            case Step.FileMmap:
            {
                var flags = Rng.Below(2UL) != 0 ? MapFlags.Private : MapFlags.Shared;
                var prot = Prot.Read | (Rng.Below(3UL) != 0 ? Prot.None : Prot.Write) |
                           (Rng.Below(8UL) != 0 ? Prot.None : Prot.Exec);
                var fd = (int)Rng.Below(4UL);
                var pgoff = Rng.Below(14UL);
                var len = (1 + Rng.Below(6UL)) * Page;
                if (Rng.Below(16UL) == 0)
                {
                    flags |= MapFlags.Fixed;
                }

                return Operation.Mmap(0, len, prot, flags, fd, pgoff);
            }

            case Step.VmaMunmap:
            {
                var v = layout[(int)Rng.Below((ulong)layout.Count)];
                var pages = (v.End - v.Start) / Page;
                var s = Rng.Below(pages);
                var e = s + 1 + Rng.Below(pages - s);
                return Rng.Below(4UL) == 0
                    ? Operation.Munmap(v.Start, v.End - v.Start)
                    : Operation.Munmap(v.Start + s * Page, (e - s) * Page);
            }

            case Step.RandomMunmap:
            {
                var addr = 0x40000000UL + Rng.Below(64UL) * Page;
                return Operation.Munmap(addr, (1 + Rng.Below(4UL)) * Page);
            }

            case Step.FileClose:
                return Operation.FileClose((int)Rng.Below(4UL));
            case Step.FileOpen:
            {
                var flags = (FileFlags)Rng.Below(4UL);
                return Operation.FileOpen((1 + Rng.Below(16UL)) * Page, flags);
            }

            default:
            {
                var target = layout.Count > 0 ? layout[0].Start : 0x40000000UL;
                return Rng.Below(2UL) != 0
                    ? Operation.Mprotect(target, Page, Prot.Read)
                    : Operation.Fault(target, FaultFlags.Read);
            }
        }
    }
}
