// SPDX-License-Identifier: GPL-2.0-only
using System.Diagnostics;
using Testbed.Contract;

namespace Testbed.Harness.Kernel;

/// <summary>
/// Runs each sequence through a fresh model address space and compares it with what the kernel
/// did, step by step: the result and the window's layout (start, end, permissions,
/// shared/private, file offset, backing). The model replays the guest's setup exactly: the
/// window reserved with mmap(PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED), then file_open
/// with the same sizes (fd i = file slot i); touches are tb_fault; a race step is, for the model,
/// the deterministic re-reservation the guest ends it with.
/// </summary>
public sealed class ModelComparer(Func<string, IAddressSpace> backendFactory, string config = "mmu-spf")
{
    private const ulong Page = 4096;
    private const int EIO = 5;

    /// <summary>Compares every sequence of <paramref name="batch"/> with the guest's report of it.</summary>
    /// <param name="batch">The sequences that were run.</param>
    /// <param name="guest">The parsed guest output.</param>
    /// <param name="replay">The command that replays one sequence index alone.</param>
    public KernelComparisonReport Compare(KernelBatch batch, GuestReport guest, Func<int, string> replay)
    {
        var known = KnownDifference.ResultRules.ToDictionary(k => k.Name, _ => 0L);
        var errors = new List<string>(guest.Errors);
        var mismatches = new List<KernelMismatch>();
        long ops = 0, matches = 0, differences = 0, skipped = 0;
        ulong raceTouches = 0, raceUnexpected = 0;
        var byIndex = guest.Sequences.GroupBy(s => s.Index).ToDictionary(g => g.Key, g => g.Last());
        var sw = Stopwatch.StartNew();

        foreach (var seq in batch.Sequences)
        {
            if (!byIndex.TryGetValue(seq.Index, out var kernel) || !kernel.Complete)
            {
                errors.Add($"sequence {seq.Index}: the guest output is missing or incomplete");
                continue;
            }

            using var mm = backendFactory(config);
            var run = new SequenceRun(batch, seq, mm);
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

                var modelResult = run.Step(k);
                var modelLayout = run.Layout();
                var (verdict, reason) = Judge(run, k, step, modelResult, modelLayout);
                if (verdict is null)
                {
                    matches++;
                }
                else if (verdict.Length > 0)
                {
                    known[verdict]++;
                    mismatched = KnownDifference.ResultRules.Single(r => r.Name == verdict).Diverges;
                }
                else
                {
                    differences++;
                    mismatched = true;
                    mismatches.Add(new KernelMismatch(batch.Seed, seq.Index, k, k == 0 ? "setup" : seq.Ops[k - 1].ToString(),
                        reason, step.Result, modelResult, step.Layout, modelLayout, replay(seq.Index)));
                }
            }
        }

        return new KernelComparisonReport
        {
            Seed = batch.Seed,
            Sequences = batch.Sequences.Count,
            Operations = ops,
            Matches = matches,
            KnownDifferences = known,
            Differences = differences,
            Skipped = skipped,
            RaceTouches = raceTouches,
            RaceUnexpected = raceUnexpected,
            ModelTime = sw.Elapsed,
            GuestRunTime = guest.GuestTime,
            GuestSequencesPerSecond = guest.SequencesPerSecond,
            Mismatches = mismatches,
            Errors = errors,
        };
    }

    /// <summary>
    /// null: an exact match; a rule name: a match through that rule; "": a difference, with the
    /// reason. The layout must always match exactly (after the <see cref="KnownDifference.AnonOffsetHidden"/>
    /// projection); a rule only ever excuses a result.
    /// </summary>
    private static (string? Verdict, string Reason) Judge(SequenceRun run, int k, GuestStep step, long model, IReadOnlyList<KernelVma> layout)
    {
        var op = k == 0 ? null : run.Sequence.Ops[k - 1];
        var layoutSame = layout.SequenceEqual(step.Layout);
        if (model == step.Result && layoutSame)
            return (null, "");
        if (op is { Kind: KernelOpKind.Mprotect, Len: 0 } && step.Result == 0 && model == -Errno.EINVAL && layoutSame)
            return (KnownDifference.MprotectZeroLength.Name, "");
        if (op is { Kind: KernelOpKind.Touch } && step.Result == -EIO && model == 0 && layoutSame && run.BeyondEof(op.Addr))
            return (KnownDifference.SigbusBeyondEof.Name, "");
        if (op is { Kind: KernelOpKind.Mmap } && model == step.Result && run.JoinsNextFirst(op, step.Layout, layout))
            return (KnownDifference.MmapJoinsNextFirst.Name, "");
        if (model == step.Result)
            return ("", "layouts differ");
        return ("", layoutSame ? "results differ" : "results and layouts differ");
    }

    /// <summary>One sequence in one model address space.</summary>
    private sealed class SequenceRun(KernelBatch batch, KernelSequence seq, IAddressSpace mm)
    {
        private readonly Dictionary<ulong, int> slotOfFile = [];
        private IReadOnlyList<VmaInfo> before = [];

        public KernelSequence Sequence => seq;

        /// <summary>Runs step k in the model; returns its result normalised to the guest's form.</summary>
        public long Step(int k)
        {
            if (k == 0)
                return Setup();
            var op = seq.Ops[k - 1];
            switch (op.Kind)
            {
                case KernelOpKind.Mmap:
                    before = mm.Snapshot();
                    var r = mm.Execute(Operation.Mmap(op.Addr, op.Len, op.Prot, op.Flags, op.Slot, op.PgOff));
                    if (r >= 0 && op.Slot >= 0 && (op.Flags & MapFlags.Anonymous) == 0)
                        LearnFile((ulong)r, op.Slot);
                    return r;
                case KernelOpKind.Munmap:
                    return mm.Execute(Operation.Munmap(op.Addr, op.Len));
                case KernelOpKind.Mprotect:
                    return mm.Execute(Operation.Mprotect(op.Addr, op.Len, op.Prot));
                case KernelOpKind.Touch:
                    // tb_fault says which path answered (0 speculative, 1 classic); the guest only sees success
                    var f = mm.Execute(Operation.Fault(op.Addr, op.Write ? FaultFlags.Write : FaultFlags.Read));
                    return f >= 0 ? 0 : f;
                case KernelOpKind.Race:
                    var m = mm.Execute(Operation.Mmap(op.Addr, op.Len, Prot.None, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed));
                    return m == (long)op.Addr ? 0 : m;
                default:
                    throw new InvalidOperationException($"unknown op {op.Kind}");
            }
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

        /// <summary>The exact condition of <see cref="KnownDifference.MmapJoinsNextFirst"/>.</summary>
        public bool JoinsNextFirst(KernelOp op, IReadOnlyList<KernelVma> kernel, IReadOnlyList<KernelVma> model)
        {
            var end = op.Addr + op.Len;
            if ((op.Flags & (MapFlags.Anonymous | MapFlags.Private)) != (MapFlags.Anonymous | MapFlags.Private))
                return false;
            var prev = before.FirstOrDefault(v => v.End == op.Addr);
            var next = before.FirstOrDefault(v => v.Start == end);
            if (prev.End == 0 || next.End == 0 || prev.FileId != 0 || next.FileId != 0 || !next.HasAnonVma)
                return false;

            // outside [prev.start, next.end) both layouts agree; inside, the kernel has exactly
            // [prev.start, addr) and [addr, next.end), the model one or two VMAs of the same kind
            bool Inside(KernelVma v) => v.Start >= prev.Start && v.End <= next.End;
            var kIn = kernel.Where(Inside).ToList();
            var mIn = model.Where(Inside).ToList();
            if (!kernel.Where(v => !Inside(v)).SequenceEqual(model.Where(v => !Inside(v))))
                return false;
            if (kIn.Count != 2 || kIn[0].Start != prev.Start || kIn[0].End != op.Addr || kIn[1].End != next.End)
                return false;
            // and the model's side is what 4.16 makes: all three merged when prev had no
            // anon_vma, prev + new and next apart when it had one
            var expected = prev.HasAnonVma ? 2 : 1;
            if (mIn.Count != expected || mIn[0].Start != prev.Start || mIn[^1].End != next.End || (expected == 2 && mIn[0].End != end))
                return false;
            return kIn.Concat(mIn).All(v => v.Perms == kIn[0].Perms && v.Backing == "anon");
        }

        /// <summary>The model's VMAs overlapping the window, in the kernel's projection.</summary>
        public IReadOnlyList<KernelVma> Layout()
        {
            var shm = new Dictionary<ulong, int>();
            var list = new List<KernelVma>();
            foreach (var v in mm.Snapshot())
            {
                if (v.End <= batch.WindowBase || v.Start >= batch.WindowEnd)
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
                list.Add(new KernelVma(v.Start, v.End, Perms(v.Flags), offset, backing));
            }

            return list;
        }

        private static string Perms(VmFlags f) => string.Concat(
            (f & VmFlags.Read) != 0 ? 'r' : '-',
            (f & VmFlags.Write) != 0 ? 'w' : '-',
            (f & VmFlags.Exec) != 0 ? 'x' : '-',
            (f & VmFlags.MayShare) != 0 ? 's' : 'p');
    }
}
