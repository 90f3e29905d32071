// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;
using Testbed.Harness.Differential;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Runs each sequence through a fresh model address space and compares it with what the kernel
/// did, step by step: the result and the window's layout (start, end, permissions,
/// shared/private, file offset, backing, memory policy). The model replays the guest's setup
/// exactly: the window reserved with mmap(PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED), then
/// file_open with the same sizes (fd i = file slot i); touches are tb_fault; a race step is, for
/// the model, the deterministic re-reservation the guest ends it with. The model's mms are
/// created with <paramref name="flags"/> (the kernel's rules where they differ from 4.16's, see
/// <see cref="KernelRules.For"/>: 6.1's mmap merge order, 6.12's mprotect accounting); with any
/// such flag a second mm with 4.16's rules runs beside each sequence until the two first part (a
/// VMA's extent, projection or vm_flags: 6.12's rule first changes only VM_ACCOUNT), and the step
/// where they do is counted by case (<see cref="KernelComparisonReport.RuleCases"/>).
/// </summary>
public sealed class ModelComparer(Func<string, MmFlags, IAddressSpace> backendFactory, string config = "mmu-spf", MmFlags flags = MmFlags.None)
{
    private const ulong Page = 4096;
    private const int EIO = 5;

    /// <summary>
    /// The comparison's checks (the one engine, <see cref="Lockstep{TView}"/>): the result and
    /// the layout in the kernel's projection; the named differences then excuse what they may.
    /// </summary>
    private static readonly Lockstep<KernelView> Engine = new(
        new Lockstep<KernelView>.Check(DivergenceKind.Result, (k, m) =>
            k.Result == m.Result ? null : new(Errno.Format(k.Result), Errno.Format(m.Result), "")),
        new Lockstep<KernelView>.Check(DivergenceKind.Layout, (k, m) =>
            k.Layout.SequenceEqual(m.Layout) ? null : new($"{k.Layout.Count} VMA(s)", $"{m.Layout.Count} VMA(s)", "")));

    /// <summary>Compares every sequence of <paramref name="batch"/> with the guest's report of it.</summary>
    /// <param name="batch">The sequences that were run.</param>
    /// <param name="guest">The parsed guest output.</param>
    /// <param name="replay">The command that replays one sequence index alone.</param>
    public KernelComparisonReport Compare(KernelBatch batch, GuestReport guest, Func<int, string> replay) =>
        KernelComparisonReport.FromSequences(batch.Seed, KernelRules.Describe(flags), CompareSequences(batch, guest, replay), guest.Errors) with
        {
            GuestRunTime = guest.GuestTime,
            GuestSequencesPerSecond = guest.SequencesPerSecond,
            VmaLock = guest.VmaLock,
        };

    /// <summary>
    /// Compares each sequence of <paramref name="batch"/> with the guest's report of it, one
    /// outcome per sequence in batch order (the units of a sharded sweep).
    /// </summary>
    public IReadOnlyList<KernelSequenceOutcome> CompareSequences(KernelBatch batch, GuestReport guest, Func<int, string> replay)
    {
        var byIndex = guest.Sequences.GroupBy(s => s.Index).ToDictionary(g => g.Key, g => g.Last());
        return batch.Sequences
            .Select(seq => byIndex.TryGetValue(seq.Index, out var kernel) && kernel.Complete
                ? CompareSequence(batch, seq, kernel, replay)
                : new KernelSequenceOutcome
                {
                    Index = seq.Index,
                    KnownDifferences = KnownDifference.CountedRules.ToDictionary(k => k.Name, _ => 0L),
                    Errors = [$"sequence {seq.Index}: the guest output is missing or incomplete"],
                })
            .ToList();
    }

    private KernelSequenceOutcome CompareSequence(KernelBatch batch, KernelSequence seq, GuestSequenceResult kernel, Func<int, string> replay)
    {
        var known = KnownDifference.CountedRules.ToDictionary(k => k.Name, _ => 0L);
        string? ruleCase = null;
        var errors = new List<string>();
        KernelMismatch? mismatch = null;
        long ops = 0, matches = 0, differences = 0, skipped = 0, mbinds = 0, growths = 0, refusals = 0, forks = 0, forkPages = 0;
        ulong raceTouches = 0, raceUnexpected = 0;
        var sw = Stopwatch.StartNew();

        using var mm = backendFactory(config, flags);
        var run = new SequenceRun(batch, seq, mm);
        using var shadowMm = flags != MmFlags.None ? backendFactory(config, MmFlags.None) : null;
        var shadow = shadowMm is null ? null : new SequenceRun(batch, seq, shadowMm);
        var mismatched = false;
        for (var k = 0; k <= seq.Ops.Count; k++)
        {
            var step = k < kernel.Steps.Count ? kernel.Steps[k] : null;
            if (mismatched)
            {
                skipped++;
                continue;
            }

            ops++;
            if (step is null || step.OpIndex != k)
            {
                errors.Add($"sequence {seq.Index}: the guest did not report op {k}");
                mismatched = true;
                continue;
            }

            if (step.Race is { } race)
            {
                raceTouches += race.Touches;
                raceUnexpected += race.Sigbus + race.Unexpected;
                if (!race.Clean)
                    errors.Add($"seed {batch.Seed} sequence {seq.Index} op {k}: race saw {race.Sigbus} SIGBUS and {race.Unexpected} unexpected faults");
            }

            WorkItem? op = k == 0 ? null : seq.Ops[k - 1];
            if (op is { Op.Kind: OpKind.Mbind })
                mbinds++;
            var modelResult = run.Step(k);
            var (verdict, reason) = Judge(run, op, step, ref modelResult);
            if (op is { Race: null, Op.Kind: OpKind.Fork } && verdict is not { Length: 0 })
            {
                (verdict, reason) = JudgeFork(run, step, verdict);
                forks++;
                forkPages += step.Fork?.Pages.Count ?? 0;
            }

            var modelLayout = run.Layout();
            if (shadow is not null)
            {
                shadow.Step(k);
                if (verdict == KnownDifference.MbindDefaultHeadHole.Name)
                    shadow.MbindFromFirstVma(op!.Value.Op);
                if (!shadow.RuleState().SequenceEqual(run.RuleState()))
                {
                    ruleCase = run.RuleCase(k);
                    shadow = null;
                }
            }

            if (verdict is not { Length: 0 } && op is { Race: null, Op.Kind: OpKind.Fault } touch && run.BelowStack(touch.Op.Addr))
            {
                if (run.Covers(touch.Op.Addr))
                    growths++;
                else
                    refusals++;
            }

            if (verdict is null)
            {
                matches++;
            }
            else if (verdict.Length > 0)
            {
                known[verdict]++;
            }
            else
            {
                differences++;
                mismatched = true;
                mismatch = new KernelMismatch(batch.Seed, seq.Index, k, op?.ToString() ?? "setup",
                    reason, step.Result, modelResult, step.Layout, modelLayout, replay(seq.Index));
            }
        }

        return new KernelSequenceOutcome
        {
            Index = seq.Index,
            Operations = ops,
            Matches = matches,
            KnownDifferences = known,
            Differences = differences,
            Skipped = skipped,
            Mbinds = mbinds,
            StackGrowths = growths,
            StackRefusals = refusals,
            Forks = forks,
            ForkPages = forkPages,
            RuleCase = ruleCase,
            RaceTouches = raceTouches,
            RaceUnexpected = raceUnexpected,
            Mismatch = mismatch,
            Errors = errors,
            ModelTime = sw.Elapsed,
        };
    }

    /// <summary>
    /// null: an exact match; a rule name: a match through that rule; "": a difference, with the
    /// reason. The layout must always match exactly (after the projections of
    /// <see cref="KnownDifference.ProjectionRules"/>); a rule only ever excuses a result, or
    /// (<see cref="KnownDifference.MbindDefaultHeadHole"/>) brings the model to the kernel's
    /// documented outcome, after which the layouts must match exactly.
    /// </summary>
    private static (string? Verdict, string Reason) Judge(SequenceRun run, WorkItem? item, GuestStep step, ref long model)
    {
        var kernel = new KernelView(step.Result, step.Layout);
        var apart = Engine.All(kernel, new KernelView(model, run.Layout()));
        if (apart.Count == 0)
            return (run.SharedPolicyMattered() ? KnownDifference.ShmemSharedPolicy.Name : null, "");
        var resultOnly = apart is [DivergenceKind.Result];
        var op = item is { Race: null } plain ? plain.Op : (Operation?)null;
        if (op is { Kind: OpKind.Mprotect, Len: 0 } && step.Result == 0 && model == -Errno.EINVAL && resultOnly)
            return (KnownDifference.MprotectZeroLength.Name, "");
        if (op is { Kind: OpKind.Fault } fault && step.Result == -EIO && model == 0 && resultOnly && run.BeyondEof(fault.Addr))
            return (KnownDifference.SigbusBeyondEof.Name, "");
        if (op is { Kind: OpKind.Mbind, Flags: (uint)MpolMode.Default } mbind && step.Result == 0 && model == -Errno.EFAULT &&
            run.MbindFromFirstVma(mbind) is { } fixup)
        {
            model = fixup;
            if (Engine.All(kernel, new KernelView(fixup, run.Layout())).Count == 0)
                return (KnownDifference.MbindDefaultHeadHole.Name, "");
            return ("", "layouts differ after 6.1's mbind(MPOL_DEFAULT) from the first VMA");
        }

        return ("", apart switch
        {
            [DivergenceKind.Layout] => "layouts differ",
            [DivergenceKind.Result] => "results differ",
            _ => "results and layouts differ",
        });
    }

    /// <summary>
    /// The rest of a fork step, once the parent's result and layout matched: the child's layout
    /// exactly, each page's four access results exactly (a read or write past a file's end
    /// excused by <see cref="KnownDifference.SigbusBeyondEof"/>), and the bytes the guest read
    /// held to the model's VMA at the page (<see cref="KnownDifference.ForkPageContents"/>):
    /// the child reads the parent's byte, or zero in a VM_WIPEONFORK VMA; after the child wrote,
    /// the parent reads its own byte in a private VMA (copy-on-write) and the child's in a
    /// shared one.
    /// </summary>
    private static (string? Verdict, string Reason) JudgeFork(SequenceRun run, GuestStep step, string? verdict)
    {
        if (step.Fork is not { } kernel || run.LastFork is not { } model)
            return ("", "fork: the kernel's or the model's report of the child is missing");
        if (!kernel.ChildLayout.SequenceEqual(model.ChildLayout))
            return ("", $"fork: the child's layouts differ (kernel {kernel.ChildLayout.Count} VMA(s), model {model.ChildLayout.Count}: "
                + $"kernel [{string.Join(", ", kernel.ChildLayout)}], model [{string.Join(", ", model.ChildLayout)}])");
        if (!kernel.Pages.Select(p => p.Addr).SequenceEqual(model.Pages.Select(p => p.Addr)))
            return ("", "fork: the pages reported differ");
        var eof = false;
        for (var i = 0; i < kernel.Pages.Count; i++)
        {
            var (k, m) = (kernel.Pages[i], model.Pages[i]);
            foreach (var (what, kr, mr) in new[]
                     {
                         ("parent's read before", k.Read0, m.Read0), ("child's read", k.ChildRead, m.ChildRead),
                         ("child's write", k.ChildWrite, m.ChildWrite), ("parent's read after", k.Read1, m.Read1),
                     })
            {
                if (kr == mr)
                    continue;
                if (kr == -EIO && mr == 0 && run.BeyondEof(k.Addr))
                {
                    eof = true;
                    continue;
                }

                return ("", $"fork: page 0x{k.Addr:x}: the {what} differs (kernel {Errno.Format(kr)}, model {Errno.Format(mr)})");
            }

            var vma = run.ForkedVma(k.Addr);
            var wipe = vma is { } w && (w.Flags & VmFlags.Wipeonfork) != 0;
            var shared = vma is { } v && (v.Flags & VmFlags.MayShare) != 0;
            if (k is { Read0: 0, ChildRead: 0 } && k.ChildValue != (wipe ? 0 : k.Value0))
                return ("", $"fork: page 0x{k.Addr:x}: the child read {k.ChildValue}, the parent's byte was {k.Value0}{(wipe ? " (VM_WIPEONFORK: 0)" : "")}");
            if (k is { Read0: 0, ChildWrite: 0, Read1: 0 } && k.Value1 != (shared ? ForkPage.ChildMark : k.Value0))
                return ("", $"fork: page 0x{k.Addr:x}: after the child's write the parent read {k.Value1} in a {(shared ? "shared" : "private")} VMA (before: {k.Value0})");
        }

        return (verdict ?? (eof ? KnownDifference.SigbusBeyondEof.Name : null), "");
    }

    /// <summary>What the engine compares of the kernel and of the model after a step: the result and the window's layout.</summary>
    private sealed record KernelView(long Result, IReadOnlyList<KernelVma> Layout);

    /// <summary>One sequence in one model address space.</summary>
    private sealed class SequenceRun(KernelBatch batch, KernelSequence seq, IAddressSpace mm)
    {
        private readonly Dictionary<ulong, int> slotOfFile = [];
        private readonly SharedPolicies shared = new();
        private IReadOnlyList<VmaInfo> before = [];
        private IReadOnlyList<VmaInfo> forked = [];

        /// <summary>The model's side of the last fork step (its pages carry no bytes: -1).</summary>
        public ForkReport? LastFork { get; private set; }

        /// <summary>Runs step k in the model; returns its result normalised to the guest's form.</summary>
        public long Step(int k)
        {
            before = mm.Snapshot();
            if (k == 0)
                return Setup();
            var step = seq.Ops[k - 1];
            var op = step.Op;
            if (op.Kind == OpKind.Mbind)
                return Mbind(op.Addr, op.Len, (MpolMode)op.Flags);
            if (op.Kind == OpKind.Fork && step.Race is null)
                return Fork(op.Addr, op.Len);
            var r = mm.Execute(op);
            if (step.Race is not null)
                return r == (long)op.Addr ? 0 : r;
            // tb_fault says which path answered (0 speculative, 1 classic); the guest only sees success
            if (op.Kind == OpKind.Fault)
                return r >= 0 ? 0 : r;
            // fd i is file slot i: the setup opened the files in slot order
            if (op.Kind == OpKind.Mmap && r >= 0 && op.Fd >= 0 && ((MapFlags)op.Flags & MapFlags.Anonymous) == 0)
                LearnFile((ulong)r, op.Fd);
            return r;
        }

        /// <summary>
        /// The guest's fork step on the model: the parent reads each page, forks (tb_fork), the
        /// child's layout is taken and the child reads and writes each page and is destroyed,
        /// then the parent reads the pages again.
        /// </summary>
        private long Fork(ulong addr, ulong len)
        {
            LastFork = null;
            var pages = (int)(len / Page);
            var read0 = new long[pages];
            for (var i = 0; i < pages; i++)
                read0[i] = Touch(mm, addr + ((ulong)i * Page), FaultFlags.Read);
            forked = mm.Snapshot();
            var r = mm.Fork(out var child);
            if (r < 0 || child is null)
                return r < 0 ? r : -Errno.EFAULT;
            var childRead = new long[pages];
            var childWrite = new long[pages];
            IReadOnlyList<KernelVma> childLayout;
            using (child)
            {
                childLayout = [.. Projected(child).Select(p => p.Vma)];
                for (var i = 0; i < pages; i++)
                {
                    childRead[i] = Touch(child, addr + ((ulong)i * Page), FaultFlags.Read);
                    childWrite[i] = Touch(child, addr + ((ulong)i * Page), FaultFlags.Write);
                }
            }

            LastFork = new ForkReport(childLayout, [.. Enumerable.Range(0, pages).Select(i =>
            {
                var a = addr + ((ulong)i * Page);
                return new ForkPage(a, read0[i], -1, childRead[i], -1, childWrite[i], Touch(mm, a, FaultFlags.Read), -1);
            })]);
            return 0;
        }

        private static long Touch(IAddressSpace space, ulong addr, FaultFlags flags)
        {
            var r = space.Execute(Operation.Fault(addr, flags));
            return r >= 0 ? 0 : r;
        }

        /// <summary>The parent's VMA at addr when the last fork step forked, if any.</summary>
        public VmaInfo? ForkedVma(ulong addr)
        {
            foreach (var v in forked)
            {
                if (v.Start <= addr && addr < v.End)
                    return v;
            }

            return null;
        }

        private long Mbind(ulong addr, ulong len, MpolMode mode)
        {
            var pre = mm.Snapshot();
            var r = mm.Execute(Operation.Mbind(addr, len, mode));
            if (r == 0)
                shared.Mbind(pre, mm.Snapshot(), addr, addr + Align(len), mode);
            return r;
        }

        /// <summary>The reservation and the files, as the guest makes them; 0 when all went as planned.</summary>
        private long Setup()
        {
            var len = (ulong)batch.WindowPages * Page;
            var r = mm.Execute(Operation.Mmap(batch.WindowBase, len, Prot.None, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed));
            if (r != (long)batch.WindowBase)
                return r < 0 ? r : -Errno.EFAULT;
            for (var slot = 0; slot < seq.FileSizes.Count; slot++)
            {
                var fd = mm.Execute(Operation.FileOpen(seq.FileSizes[slot], FileFlags.None));
                if (fd != slot)
                    return fd < 0 ? fd : -Errno.EBADF;
            }

            return 0;
        }

        private void LearnFile(ulong addr, int slot)
        {
            foreach (var v in mm.Snapshot())
            {
                if (v.Start <= addr && addr < v.End && v.FileId != 0)
                    slotOfFile[v.FileId] = slot;
            }
        }

        /// <summary>True when addr lay, before the step, in a hole right below a VM_GROWSDOWN VMA (a touch there may expand it).</summary>
        public bool BelowStack(ulong addr)
        {
            var above = before.Where(v => v.End > addr).OrderBy(v => v.Start).FirstOrDefault();
            return above.End != 0 && addr < above.Start && (above.Flags & VmFlags.Growsdown) != 0;
        }

        /// <summary>True when a VMA covers addr now (after the step).</summary>
        public bool Covers(ulong addr) => mm.Snapshot().Any(v => v.Start <= addr && addr < v.End);

        /// <summary>True when addr lies in one of our files' VMAs at or past the file's end.</summary>
        public bool BeyondEof(ulong addr)
        {
            foreach (var v in mm.Snapshot())
            {
                if (v.Start <= addr && addr < v.End && slotOfFile.TryGetValue(v.FileId, out var slot))
                    return (v.PgOff + ((addr - v.Start) / Page)) * Page >= seq.FileSizes[slot];
            }

            return false;
        }

        /// <summary>
        /// The condition of <see cref="KnownDifference.MbindDefaultHeadHole"/>, checked on the
        /// layout before the op: the range starts in a hole and a VMA starts inside it. Then
        /// 6.1's outcome is mbind(MPOL_DEFAULT) from that VMA's start to the end: the model runs
        /// it and its result is returned; null when the condition does not hold.
        /// </summary>
        public long? MbindFromFirstVma(Operation op)
        {
            var end = op.Addr + Align(op.Len);
            if (end <= op.Addr || before.Any(v => v.Start <= op.Addr && op.Addr < v.End))
                return null;
            var first = before.FirstOrDefault(v => v.Start > op.Addr && v.Start < end);
            if (first.End == 0)
                return null;
            return Mbind(first.Start, end - first.Start, MpolMode.Default);
        }

        /// <summary>
        /// Which case of a rule difference step k is, from the layout before it: an mprotect
        /// without write over an unwritten, charged private anonymous VMA
        /// (<see cref="KernelRules.UnaccountCase"/>), or (the merge order) an mmap between
        /// neighbours that existed, or whose prev or next (or both) it cut off itself (MAP_FIXED
        /// over part of a VMA), of anonymous or private file memory.
        /// </summary>
        public string RuleCase(int k)
        {
            if (k == 0)
                return "other: setup";
            var step = seq.Ops[k - 1];
            var op = step.Op;
            if (op.Kind == OpKind.Mprotect && step.Race is null && UnaccountsUnwritten(op))
                return KernelRules.UnaccountCase;
            if (op.Kind != OpKind.Mmap || step.Race is not null)
                return $"other: {(step.Race is not null ? "race" : KindName(op.Kind))}";
            var lo = op.Addr;
            var hi = op.Addr + Align(op.Len);
            var prevCut = before.Any(v => v.Start < lo && v.End > lo);
            var nextCut = before.Any(v => v.Start < hi && v.End > hi);
            var memory = op.Fd >= 0 && ((MapFlags)op.Flags & MapFlags.Anonymous) == 0 ? "private file" : "anon";
            var how = (prevCut, nextCut) switch
            {
                (true, true) => "prev and next cut by the mmap",
                (true, false) => "prev cut by the mmap",
                (false, true) => "next cut by the mmap",
                _ => "neighbours existed",
            };
            return $"{memory}, {how}";
        }

        /// <summary>True when mprotect <paramref name="op"/> drops write from a VMA 6.12 would unaccount (anonymous, charged, no anon_vma).</summary>
        private bool UnaccountsUnwritten(Operation op) =>
            (op.Prot & Prot.Write) == 0 &&
            before.Any(v => v.Start < op.Addr + Align(op.Len) && v.End > op.Addr &&
                v.FileId == 0 && !v.HasAnonVma && (v.Flags & VmFlags.Account) != 0);

        /// <summary>True when a file-backed VMA's shared policy differs from its own vm_policy in the model.</summary>
        public bool SharedPolicyMattered() =>
            mm.Snapshot().Any(v => InWindow(v) && v.FileId != 0 && shared.At(v.FileId, v.PgOff) != v.Policy);

        /// <summary>The model's VMAs overlapping the window, in the kernel's projection.</summary>
        public IReadOnlyList<KernelVma> Layout() => [.. Projected().Select(p => p.Vma)];

        /// <summary>
        /// The layout with each VMA's vm_flags, which the kernel's rules and 4.16's are compared
        /// on: 6.12's mprotect can change only VM_ACCOUNT (invisible in maps) and the layout
        /// parts later, at an mprotect or mmap that merges by it, so the rule is named at the
        /// step that applied it.
        /// </summary>
        public IReadOnlyList<(KernelVma Vma, VmFlags Flags)> RuleState() => Projected(mm);

        private List<(KernelVma Vma, VmFlags Flags)> Projected() => Projected(mm);

        private List<(KernelVma Vma, VmFlags Flags)> Projected(IAddressSpace space)
        {
            var shm = new Dictionary<ulong, int>();
            var list = new List<(KernelVma Vma, VmFlags Flags)>();
            foreach (var v in space.Snapshot())
            {
                if (!InWindow(v))
                    continue;
                string backing;
                if (v.FileId == 0)
                    backing = "anon";
                else if (slotOfFile.TryGetValue(v.FileId, out var slot))
                    backing = $"file:{slot}";
                else
                {
                    if (!shm.TryGetValue(v.FileId, out var n))
                        shm[v.FileId] = n = shm.Count;
                    backing = $"shm#{n}";
                }

                // KnownDifference.AnonOffsetHidden: maps prints 0 for VMAs without a file
                var offset = v.FileId == 0 ? 0 : v.PgOff * Page;
                // KnownDifference.ShmemSharedPolicy: a file VMA shows its file's policy
                var policy = v.FileId == 0 ? v.Policy : shared.At(v.FileId, v.PgOff);
                list.Add((new KernelVma(v.Start, v.End, Perms(v.Flags), offset, backing, KernelVma.PolicyOf(policy)), v.Flags));
            }

            return list;
        }

        /// <summary>The kernel check's name of a step kind in a merge-order case (a fault is a touch in the guest).</summary>
        private static string KindName(OpKind kind) => kind == OpKind.Fault ? "touch" : kind.ToString().ToLowerInvariant();

        private bool InWindow(in VmaInfo v) => v.End > batch.WindowBase && v.Start < batch.WindowEnd;

        private static ulong Align(ulong len) => (len + Page - 1) & ~(Page - 1);

        private static string Perms(VmFlags f) => string.Concat(
            (f & VmFlags.Read) != 0 ? 'r' : '-',
            (f & VmFlags.Write) != 0 ? 'w' : '-',
            (f & VmFlags.Exec) != 0 ? 'x' : '-',
            (f & VmFlags.MayShare) != 0 ? 's' : 'p');
    }
}
