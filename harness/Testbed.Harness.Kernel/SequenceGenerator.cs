// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Seeded;
using Testbed.Harness.Workloads;

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
/// their neighbours, are where 4.16's and 6.1's mmap merge orders differ. A stack move maps a
/// MAP_GROWSDOWN region, opens a hole below it and touches there (the kernel expands it, or
/// refuses: an accessible neighbour within the stack guard gap, more than RLIMIT_STACK). A fork
/// move may madvise a range (MADV_DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK) and write a page,
/// then forks over 1-4 pages (<see cref="KernelSequence.ForkOver"/>: the child reports its layout
/// and reads and writes the pages; sequential, never inside a race).
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
        return new SequenceDraw(Options, new SplitMix64(seed)).Sequence(index, seed);
    }

    /// <summary>The kernel sequences' kinds of step, in the order of their share of a roll of 100.</summary>
    private enum Step
    {
        AnonPrivateMmap,
        AnonSharedMmap,
        FileMmap,
        HintMmap,
        Munmap,
        Mprotect,
        Mbind,
        Touch,
        Invalid,
        Race,
        Stack,
        Fork,
    }

    /// <summary>The model's RLIMIT_STACK (native/mm/mmap.c), which the guest sets for itself too.</summary>
    public const ulong RlimitStack = 8UL << 20;



    /// <summary>
    /// One sequence's draws: the kernel member of the generator family
    /// (<see cref="OperationGenerator{TKind}"/>). A file mapping falls back to a hinted one
    /// without files, a hinted one to an munmap without a hole; a race without room is skipped.
    /// </summary>
    private sealed class SequenceDraw(SequenceOptions options, SplitMix64 rng) : OperationGenerator<Step>(rng, Kinds)
    {
        private static readonly Weights<Step> Kinds = new(
            (Step.AnonPrivateMmap, 13), (Step.AnonSharedMmap, 4), (Step.FileMmap, 13), (Step.HintMmap, 2), (Step.Munmap, 9),
            (Step.Mprotect, 14), (Step.Mbind, 12), (Step.Touch, 25), (Step.Invalid, 3), (Step.Race, 3), (Step.Stack, 3), (Step.Fork, 3));

        private static readonly Weights<Prot> Prots = new(
            (Prot.Read | Prot.Write, 6), (Prot.Read, 3), (Prot.None, 1), (Prot.Read | Prot.Exec, 1), (Prot.Write, 1));

        private SequenceOptions Options { get; } = options;

        /// <summary>Draws sequence <paramref name="index"/> (seeded with <paramref name="seed"/>).</summary>
        public KernelSequence Sequence(int index, ulong seed)
        {
            var pages = Options.WindowPages;
            // true = something is mapped there (the reservation counts): the generator tracks holes
            // only, to know where a non-fixed hint must land.
            var mapped = Enumerable.Repeat(true, pages).ToArray();
            // after a MAP_GROWSDOWN mapping no hinted mmap: the kernel keeps stack_guard_gap
            // (more than the window) free below a stack when it places one, the model does not
            // (docs/kernel-hooks.md, "Stack growth"), and a stack may have grown into a hole
            var stackMade = false;
            var edges = new List<int> { 0, pages };
            var ops = new List<WorkItem>(Options.OpsPerSequence);
            var lastFile = new (int Page, int Count, ulong PgOff)?[Options.FilePages.Count];

            // a move of several steps: each one tracked, its range's edges kept
            void AddMove(List<(WorkItem Op, int First, int Count)> move)
            {
                foreach (var (step, start, n) in move)
                {
                    Track(step, mapped, start, n);
                    edges.Add(start);
                    edges.Add(start + n);
                    ops.Add(step);
                }
            }

            while (ops.Count < Options.OpsPerSequence)
            {
                if (pages >= 12 && Options.OpsPerSequence - ops.Count >= 7 && Rng.Below(100) < 5)
                {
                    AddMove(Neighbours(pages));
                    continue;
                }

                var kind = NextKind();
                var (first, count) = PickRange(edges, pages);
                var addr = Options.WindowBase + ((ulong)first * Page);
                var len = (ulong)count * Page;
                if (kind == Step.FileMmap && Options.FilePages.Count == 0)
                    kind = Step.HintMmap;
                if (kind == Step.Stack)
                {
                    if (pages < 8 || Options.OpsPerSequence - ops.Count < 5)
                        continue;
                    stackMade = true;
                    AddMove(StackMove(pages));
                    continue;
                }

                if (kind == Step.Fork)
                {
                    if (Options.OpsPerSequence - ops.Count < 3)
                        continue;
                    ops.AddRange(ForkMove(pages, edges));
                    continue;
                }

                var hole = kind == Step.HintMmap && !stackMade ? FindHole(mapped) : null;
                if (kind == Step.HintMmap && hole is null)
                    kind = Step.Munmap;
                WorkItem op;
                switch (kind)
                {
                    case Step.AnonPrivateMmap:
                        op = Operation.Mmap(addr, len, Prots.Pick(Rng), MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed);
                        break;
                    case Step.AnonSharedMmap:
                        op = Operation.Mmap(addr, len, Prots.Pick(Rng), MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed);
                        break;
                    case Step.FileMmap:
                    {
                        var slot = Rng.Below(Options.FilePages.Count);
                        var shared = Rng.Below(2) == 0;
                        ulong pgoff;
                        if (lastFile[slot] is { } prev && Rng.Below(3) != 0)
                        {
                            // linear with the last mapping of this file, often right next to it
                            if (Rng.Below(2) == 0)
                            {
                                first = Math.Clamp(Rng.Below(2) == 0 ? prev.Page + prev.Count : prev.Page - count, 0, pages - 1);
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
                            pgoff = (ulong)Rng.Below(Options.FilePages[slot]);
                        }

                        lastFile[slot] = (first, count, pgoff);
                        op = Operation.Mmap(addr, len, Prots.Pick(Rng),
                            (shared ? MapFlags.Shared : MapFlags.Private) | MapFlags.Fixed, slot, pgoff);
                        break;
                    }

                    case Step.HintMmap:
                        // non-fixed mmap with a hint at a hole that fits: both place it at the hint
                        (first, count) = hole!.Value;
                        addr = Options.WindowBase + ((ulong)first * Page);
                        op = Operation.Mmap(addr, (ulong)count * Page, Prots.Pick(Rng), MapFlags.Private | MapFlags.Anonymous);
                        break;
                    case Step.Munmap:
                        op = Operation.Munmap(addr, len);
                        break;
                    case Step.Mprotect:
                        op = Operation.Mprotect(addr, len, Prots.Pick(Rng));
                        break;
                    case Step.Mbind:
                        if (Rng.Below(4) == 0 && FindHole(mapped) is { } h)
                        {
                            // start in a hole and reach into what follows it
                            first = h.First;
                            count = Math.Min(h.Count + 1 + Rng.Below(8), pages - first);
                        }
                        else if (Rng.Below(3) == 0)
                        {
                            // a wide range over several VMAs
                            count = Math.Min(4 + Rng.Below(12), pages - first);
                        }

                        op = Operation.Mbind(Options.WindowBase + ((ulong)first * Page), (ulong)count * Page, (MpolMode)Rng.Below(4));
                        break;
                    case Step.Touch:
                        var page = Rng.Below(2) == 0 ? first : Rng.Below(pages);
                        op = Touch(page, write: Rng.Below(4) != 0);
                        break;
                    case Step.Invalid:
                        op = Invalid(addr, len);
                        break;
                    case Step.Race when Options.Races && pages >= 3:
                        // the guest races on the inner pages and keeps one PROT_NONE page at each end
                        count = Math.Max(count, 3);
                        first = Math.Min(first, pages - count);
                        op = WorkItem.RaceOver(Options.WindowBase + ((ulong)first * Page), (ulong)count * Page,
                            Options.RaceThreads, Options.RaceIterations);
                        break;
                    default:
                        continue;
                }

                Track(op, mapped, first, count);
                edges.Add(first);
                edges.Add(first + count);
                ops.Add(op);

                // a private mapping is often written at once: neighbours with an anon_vma
                if (op is { Op: { Kind: OpKind.Mmap, Len: > 0 }, Race: null } && ((MapFlags)op.Op.Flags & MapFlags.Private) != 0 &&
                    ops.Count < Options.OpsPerSequence && Rng.Below(3) == 0)
                    ops.Add(Touch(first + Rng.Below(count), write: true));
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
        private List<(WorkItem Op, int First, int Count)> Neighbours(int pages)
        {
            var a = Rng.Below(pages - 11);
            var slot = Options.FilePages.Count > 0 && Rng.Below(3) == 0 ? Rng.Below(Options.FilePages.Count) : -1;
            var rw = Prot.Read | Prot.Write;
            WorkItem Map(int first, int count, Prot prot) => slot < 0
                ? Operation.Mmap(Options.WindowBase + ((ulong)first * Page), (ulong)count * Page, prot,
                    MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed)
                : Operation.Mmap(Options.WindowBase + ((ulong)first * Page), (ulong)count * Page, prot,
                    MapFlags.Private | MapFlags.Fixed, slot, (ulong)(first - a));
            var steps = new List<(WorkItem, int, int)> { (Map(a, 4, rw), a, 4) };
            if (Rng.Below(2) == 0)
                steps.Add((Touch(a + Rng.Below(4), write: true), a, 0));
            steps.Add((Map(a + 4, 1, Prot.Read), a + 4, 1));
            steps.Add((Map(a + 5, 4, rw), a + 5, 4));
            steps.Add((Touch(a + 5 + Rng.Below(4), write: true), a + 5, 0));
            var (from, to) = Rng.Below(4) switch
            {
                0 => (a + 4, a + 5),
                1 => (a + 2, a + 5),
                2 => (a + 4, a + 7),
                _ => (a + 2, a + 7),
            };
            steps.Add((Map(from, to - from, rw), from, to - from));
            return steps;
        }

        /// <summary>
        /// A MAP_GROWSDOWN mapping S (read-write, sometimes read-only), a hole of 1-4 pages
        /// below it, what lies below the hole (left as it is, an accessible page within the
        /// stack guard gap, a PROT_NONE page, or nothing down to the window's base), then a
        /// touch in the hole (the kernel expands S down to it, or refuses with SEGV_MAPERR);
        /// with nothing below, sometimes a touch exactly RLIMIT_STACK below S's end (expands)
        /// or a page further (refused). Returns the steps with the pages each covers.
        /// </summary>
        private List<(WorkItem Op, int First, int Count)> StackMove(int pages)
        {
            var s = 4 + Rng.Below(pages - 6);
            var n = 1 + Rng.Below(Math.Min(3, pages - s));
            var prot = Rng.Below(4) == 0 ? Prot.Read : Prot.Read | Prot.Write;
            var steps = new List<(WorkItem, int, int)>
            {
                (Operation.Mmap(At(s), (ulong)n * Page, prot, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed | MapFlags.Growsdown), s, n),
            };
            var h = 1 + Rng.Below(Math.Min(4, s - 1));
            steps.Add((Operation.Munmap(At(s - h), (ulong)h * Page), s - h, h));
            var below = s - h - 1;
            var toBase = false;
            switch (Rng.Below(4))
            {
                case 0:
                    steps.Add((Operation.Mmap(At(below), Page, Rng.Below(2) == 0 ? Prot.Read | Prot.Write : Prot.Read,
                        MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed), below, 1));
                    break;
                case 1:
                    steps.Add((Operation.Mmap(At(below), Page, Prot.None, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed), below, 1));
                    break;
                case 2:
                    steps.Add((Operation.Munmap(Options.WindowBase, (ulong)(s - h) * Page), 0, s - h));
                    toBase = true;
                    break;
            }

            var at = s - 1 - Rng.Below(h);
            steps.Add((Touch(at, write: prot != Prot.Read || Rng.Below(2) == 0), at, s - at));
            if (toBase && Rng.Below(2) == 0)
            {
                // RLIMIT_STACK: S may span exactly the limit (vm_end - address), not a page more
                var end = At(s + n);
                var addr = end - RlimitStack - (Rng.Below(2) == 0 ? 0 : Page);
                steps.Add((Operation.Fault(addr + ((ulong)Rng.Below(512) * 8), FaultFlags.Write), 0, s));
            }

            return steps;
        }

        /// <summary>
        /// Sometimes an madvise of a fork behaviour over a range (it splits and merges VMAs like
        /// mprotect; WIPEONFORK on shared or file memory is -EINVAL), sometimes a write (a byte
        /// the child must see, or not), then a fork over 1-4 pages. Layout-neutral for the
        /// generator's hole tracking: neither maps nor unmaps.
        /// </summary>
        private List<WorkItem> ForkMove(int pages, List<int> edges)
        {
            var steps = new List<WorkItem>();
            if (Rng.Below(2) == 0)
            {
                var (first, count) = PickRange(edges, pages);
                var advice = Rng.Below(6) switch
                {
                    0 or 1 => MadviseAdvice.Dontfork,
                    2 or 3 => MadviseAdvice.Wipeonfork,
                    4 => MadviseAdvice.Dofork,
                    _ => MadviseAdvice.Keeponfork,
                };
                steps.Add(Operation.Madvise(At(first), (ulong)count * Page, advice));
                edges.Add(first);
                edges.Add(first + count);
            }

            var (from, n) = PickRange(edges, pages);
            n = Math.Min(n, 4);
            if (Rng.Below(2) == 0)
                steps.Add(Touch(from + Rng.Below(n), write: true));
            steps.Add(KernelSequence.ForkOver(At(from), (ulong)n * Page));
            return steps;
        }

        private ulong At(int page) => Options.WindowBase + ((ulong)page * Page);

        private WorkItem Touch(int page, bool write) =>
            Operation.Fault(Options.WindowBase + ((ulong)page * Page) + ((ulong)Rng.Below(512) * 8), write ? FaultFlags.Write : FaultFlags.Read);

        private WorkItem Invalid(ulong addr, ulong len) => Rng.Below(4) switch
        {
            0 => Operation.Munmap(addr + 0x800, len),
            1 => Operation.Munmap(addr, 0),
            2 => Operation.Mmap(addr, 0, Prot.Read, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed),
            _ => Options.ZeroLengthProbes
                ? Operation.Mprotect(addr, 0, Prot.Read)
                : Operation.Mprotect(addr + 0x10, len, Prot.Read),
        };

        private static void Track(WorkItem step, bool[] mapped, int first, int count)
        {
            var op = step.Op;
            var fill = op.Kind switch
            {
                _ when step.Race is not null => true,
                OpKind.Mmap when op.Len > 0 && (op.Addr & (Page - 1)) == 0 => true,
                OpKind.Munmap when op.Len > 0 && (op.Addr & (Page - 1)) == 0 => false,
                _ => (bool?)null,
            };
            if (fill is { } f)
                Array.Fill(mapped, f, first, count);
        }

        /// <summary>A range of 1..8 pages, starting at a random page or at an earlier range's edge.</summary>
        private (int First, int Count) PickRange(List<int> edges, int pages)
        {
            var count = 1 + Rng.Below(Math.Min(8, pages));
            int first;
            var how = Rng.Below(4);
            if (how == 0)
            {
                first = Rng.Below(pages);
            }
            else
            {
                var edge = edges[Rng.Below(edges.Count)];
                // start at the edge, or end at it: both make the new range touch an old boundary
                first = how == 1 ? edge - count : edge;
            }

            first = Math.Clamp(first, 0, pages - 1);
            count = Math.Min(count, pages - first);
            return (first, count);
        }

        private (int First, int Count)? FindHole(bool[] mapped)
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
            var (s, n) = holes[Rng.Below(holes.Count)];
            return (s, 1 + Rng.Below(n));
        }
    }
}
