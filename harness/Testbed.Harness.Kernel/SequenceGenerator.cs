// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Seeded generator of kernel sequences. Sequence i depends only on (seed, i), so one sequence
/// can be replayed alone. The mix aims at the layout code: MAP_FIXED over and next to existing
/// mappings (merges, splits, overlaps), mprotect churn over ranges that span several VMAs and
/// holes, touches (mostly writes: write faults give private VMAs an anon_vma, which changes
/// what may merge, and a private mapping is often written right after it is made), anonymous
/// private/shared and file private/shared mappings with linear and non-linear offsets (a file
/// mapping is often placed right next to the last one of its file, linear with it), non-fixed
/// mmaps hinted into holes, mbind in all four modes over ranges that span several VMAs and
/// start or end in holes, invalid arguments, and races. The window is small (32 pages) so that
/// all of it keeps meeting: mmaps between written neighbours, and MAP_FIXED ranges that cut
/// their neighbours, are where 4.16's and 6.1's mmap merge orders differ.
/// </summary>
public sealed class SequenceGenerator(SequenceOptions options)
{
    private const ulong Page = 4096;

    /// <summary>The options this generator uses.</summary>
    public SequenceOptions Options { get; } = options;

    /// <summary>Generates the whole batch.</summary>
    public KernelBatch Generate() =>
        new(Options.WindowBase, Options.WindowPages, Options.Seed,
            Enumerable.Range(0, Options.Sequences).Select(Generate).ToList());

    /// <summary>Generates sequence <paramref name="index"/> alone.</summary>
    public KernelSequence Generate(int index)
    {
        var seed = SplitMix64.Mix(Options.Seed ^ SplitMix64.Mix((ulong)index + 0x51ed));
        var rng = new SplitMix64(seed);
        var pages = Options.WindowPages;
        // true = something is mapped there (the reservation counts): the generator tracks holes
        // only, to know where a non-fixed hint must land.
        var mapped = Enumerable.Repeat(true, pages).ToArray();
        var edges = new List<int> { 0, pages };
        var ops = new List<KernelOp>(Options.OpsPerSequence);
        var lastFile = new (int Page, int Count, ulong PgOff)?[Options.FilePages.Count];

        while (ops.Count < Options.OpsPerSequence)
        {
            if (pages >= 12 && Options.OpsPerSequence - ops.Count >= 7 && rng.Below(100) < 5)
            {
                foreach (var (step, first0, count0) in Neighbours(rng, pages))
                {
                    Track(step, mapped, first0, count0);
                    edges.Add(first0);
                    edges.Add(first0 + count0);
                    ops.Add(step);
                }

                continue;
            }

            var roll = rng.Below(100);
            var (first, count) = PickRange(rng, edges, pages);
            var addr = Options.WindowBase + ((ulong)first * Page);
            var len = (ulong)count * Page;
            KernelOp op;
            if (roll < 13)
            {
                op = new KernelOp(KernelOpKind.Mmap, addr, len, PickProt(rng), MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);
            }
            else if (roll < 17)
            {
                op = new KernelOp(KernelOpKind.Mmap, addr, len, PickProt(rng), MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed);
            }
            else if (roll < 30 && Options.FilePages.Count > 0)
            {
                var slot = rng.Below(Options.FilePages.Count);
                var shared = rng.Below(2) == 0;
                ulong pgoff;
                if (lastFile[slot] is { } prev && rng.Below(3) != 0)
                {
                    // linear with the last mapping of this file, often right next to it
                    if (rng.Below(2) == 0)
                    {
                        first = Math.Clamp(rng.Below(2) == 0 ? prev.Page + prev.Count : prev.Page - count, 0, pages - 1);
                        count = Math.Min(count, pages - first);
                        addr = Options.WindowBase + ((ulong)first * Page);
                        len = (ulong)count * Page;
                    }

                    var delta = first - prev.Page;
                    pgoff = delta >= 0 || (ulong)(-delta) <= prev.PgOff ? (ulong)((long)prev.PgOff + delta) : 0;
                }
                else
                {
                    // may reach past the end of the file: the kernel maps it and SIGBUSes on touch
                    pgoff = (ulong)rng.Below(Options.FilePages[slot]);
                }

                lastFile[slot] = (first, count, pgoff);
                op = new KernelOp(KernelOpKind.Mmap, addr, len, PickProt(rng),
                    (shared ? MapFlags.Shared : MapFlags.Private) | MapFlags.Fixed, slot, pgoff);
            }
            else if (roll < 32 && FindHole(mapped, rng) is { } hole)
            {
                // non-fixed mmap with a hint at a hole that fits: both place it at the hint
                var (hf, hc) = hole;
                addr = Options.WindowBase + ((ulong)hf * Page);
                op = new KernelOp(KernelOpKind.Mmap, addr, (ulong)hc * Page, PickProt(rng), MapFlags.Private | MapFlags.Anonymous);
                (first, count) = hole;
            }
            else if (roll < 41)
            {
                op = new KernelOp(KernelOpKind.Munmap, addr, len);
            }
            else if (roll < 55)
            {
                op = new KernelOp(KernelOpKind.Mprotect, addr, len, PickProt(rng));
            }
            else if (roll < 67)
            {
                if (rng.Below(4) == 0 && FindHole(mapped, rng) is { } h)
                {
                    // start in a hole and reach into what follows it
                    first = h.First;
                    count = Math.Min(h.Count + 1 + rng.Below(8), pages - first);
                }
                else if (rng.Below(3) == 0)
                {
                    // a wide range over several VMAs
                    count = Math.Min(4 + rng.Below(12), pages - first);
                }

                op = new KernelOp(KernelOpKind.Mbind, Options.WindowBase + ((ulong)first * Page), (ulong)count * Page,
                    Mode: (MpolMode)rng.Below(4));
            }
            else if (roll < 94)
            {
                var page = rng.Below(2) == 0 ? first : rng.Below(pages);
                op = Touch(page, rng, write: rng.Below(4) != 0);
            }
            else if (roll < 97)
            {
                op = Invalid(rng, addr, len);
            }
            else if (Options.Races && pages >= 3)
            {
                // the guest races on the inner pages and keeps one PROT_NONE page at each end
                count = Math.Max(count, 3);
                first = Math.Min(first, pages - count);
                op = new KernelOp(KernelOpKind.Race, Options.WindowBase + ((ulong)first * Page), (ulong)count * Page,
                    Threads: Options.RaceThreads, Iterations: Options.RaceIterations);
            }
            else
            {
                continue;
            }

            Track(op, mapped, first, count);
            edges.Add(first);
            edges.Add(first + count);
            ops.Add(op);

            // a private mapping is often written at once: neighbours with an anon_vma
            if (op is { Kind: KernelOpKind.Mmap, Len: > 0 } && (op.Flags & MapFlags.Private) != 0 &&
                ops.Count < Options.OpsPerSequence && rng.Below(3) == 0)
                ops.Add(Touch(first + rng.Below(count), rng, write: true));
        }

        var sizes = Options.FilePages.Select(p => (ulong)p * Page).ToList();
        return new KernelSequence(index, seed, sizes, ops);
    }

    /// <summary>
    /// Builds neighbours and maps between them, where 4.16's and 6.1's mmap merge orders differ:
    /// P (written or not) | X (read-only) | N (written), then a read-write MAP_FIXED mapping
    /// that replaces X exactly or also cuts into P, N or both; anonymous memory, or private
    /// mappings of one file, linear. Returns the steps with the pages each covers.
    /// </summary>
    private List<(KernelOp Op, int First, int Count)> Neighbours(SplitMix64 rng, int pages)
    {
        var a = rng.Below(pages - 11);
        var slot = Options.FilePages.Count > 0 && rng.Below(3) == 0 ? rng.Below(Options.FilePages.Count) : -1;
        var rw = Prot.Read | Prot.Write;
        KernelOp Map(int first, int count, Prot prot) => slot < 0
            ? new KernelOp(KernelOpKind.Mmap, Options.WindowBase + ((ulong)first * Page), (ulong)count * Page, prot,
                MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)
            : new KernelOp(KernelOpKind.Mmap, Options.WindowBase + ((ulong)first * Page), (ulong)count * Page, prot,
                MapFlags.Private | MapFlags.Fixed, slot, (ulong)(first - a));
        var steps = new List<(KernelOp, int, int)> { (Map(a, 4, rw), a, 4) };
        if (rng.Below(2) == 0)
            steps.Add((Touch(a + rng.Below(4), rng, write: true), a, 0));
        steps.Add((Map(a + 4, 1, Prot.Read), a + 4, 1));
        steps.Add((Map(a + 5, 4, rw), a + 5, 4));
        steps.Add((Touch(a + 5 + rng.Below(4), rng, write: true), a + 5, 0));
        var (from, to) = rng.Below(4) switch
        {
            0 => (a + 4, a + 5),
            1 => (a + 2, a + 5),
            2 => (a + 4, a + 7),
            _ => (a + 2, a + 7),
        };
        steps.Add((Map(from, to - from, rw), from, to - from));
        return steps;
    }

    private KernelOp Touch(int page, SplitMix64 rng, bool write) =>
        new(KernelOpKind.Touch, Options.WindowBase + ((ulong)page * Page) + ((ulong)rng.Below(512) * 8), 0, Write: write);

    private KernelOp Invalid(SplitMix64 rng, ulong addr, ulong len) => rng.Below(4) switch
    {
        0 => new KernelOp(KernelOpKind.Munmap, addr + 0x800, len),
        1 => new KernelOp(KernelOpKind.Munmap, addr, 0),
        2 => new KernelOp(KernelOpKind.Mmap, addr, 0, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
        _ => Options.ZeroLengthProbes
            ? new KernelOp(KernelOpKind.Mprotect, addr, 0, Prot.Read)
            : new KernelOp(KernelOpKind.Mprotect, addr + 0x10, len, Prot.Read),
    };

    private static void Track(KernelOp op, bool[] mapped, int first, int count)
    {
        var fill = op.Kind switch
        {
            KernelOpKind.Mmap when op.Len > 0 && (op.Addr & (Page - 1)) == 0 => true,
            KernelOpKind.Munmap when op.Len > 0 && (op.Addr & (Page - 1)) == 0 => false,
            KernelOpKind.Race => true,
            _ => (bool?)null,
        };
        if (fill is { } f)
            Array.Fill(mapped, f, first, count);
    }

    /// <summary>A range of 1..8 pages, starting at a random page or at an earlier range's edge.</summary>
    private static (int First, int Count) PickRange(SplitMix64 rng, List<int> edges, int pages)
    {
        var count = 1 + rng.Below(Math.Min(8, pages));
        int first;
        var how = rng.Below(4);
        if (how == 0)
        {
            first = rng.Below(pages);
        }
        else
        {
            var edge = edges[rng.Below(edges.Count)];
            // start at the edge, or end at it: both make the new range touch an old boundary
            first = how == 1 ? edge - count : edge;
        }

        first = Math.Clamp(first, 0, pages - 1);
        count = Math.Min(count, pages - first);
        return (first, count);
    }

    private static (int First, int Count)? FindHole(bool[] mapped, SplitMix64 rng)
    {
        var holes = new List<(int, int)>();
        for (var i = 0; i < mapped.Length;)
        {
            if (mapped[i])
            {
                i++;
                continue;
            }

            var j = i;
            while (j < mapped.Length && !mapped[j])
                j++;
            holes.Add((i, j - i));
            i = j;
        }

        if (holes.Count == 0)
            return null;
        var (s, n) = holes[rng.Below(holes.Count)];
        return (s, 1 + rng.Below(n));
    }

    private static Prot PickProt(SplitMix64 rng) => rng.Below(12) switch
    {
        < 6 => Prot.Read | Prot.Write,
        < 9 => Prot.Read,
        9 => Prot.None,
        10 => Prot.Read | Prot.Exec,
        _ => Prot.Write,
    };
}
