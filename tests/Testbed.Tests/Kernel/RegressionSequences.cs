// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Contract;
using Testbed.Harness.Kernel;
using Testbed.Harness.Workloads;

namespace Testbed.Tests.Kernel;

/// <summary>
/// Hand-written sequences, run in the QEMU tests after the generated ones: each meets one case
/// where 4.16's and 6.1's mmap merge orders differ, or where 4.16's and 6.12's mprotect
/// accounting do (and names it as the comparer counts it), or one mbind rule, or one rule of
/// stack growth, or one of fork (madvise's DONTFORK and WIPEONFORK, copy-on-write). Window of 32 pages at W; file slot 0 has 16 pages.
/// </summary>
internal static class RegressionSequences
{
    public const ulong W = 0x100000000;
    public const ulong P = 0x1000;
    private const Prot RW = Prot.Read | Prot.Write;
    private const MapFlags FixedAnon = MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed;
    private const MapFlags FixedFile = MapFlags.Private | MapFlags.Fixed;

    /// <summary>The merge-order sequences and the case each must be counted under.</summary>
    public static IReadOnlyList<(string Case, WorkItem[] Ops)> MergeOrder { get; } =
    [
        // prev unwritten, next written, a page mapped exactly between them
        ("anon, neighbours existed", [Anon(0, 2), Anon(3, 2), Write(3), Anon(2, 1), Write(2)]),
        // both written (two anon_vmas), a page between
        ("anon, neighbours existed", [Anon(0, 2), Write(0), Anon(3, 2), Write(3), Anon(2, 1), Write(2)]),
        // P written | X read-only | N written; MAP_FIXED rw over the end of P and X
        ("anon, prev cut by the mmap", [Anon(0, 4), Write(0), Anon(4, 1, Prot.Read), Anon(5, 4), Write(8), Anon(2, 3), Write(2)]),
        // ... over X and the start of N
        ("anon, next cut by the mmap", [Anon(0, 4), Write(0), Anon(4, 1, Prot.Read), Anon(5, 4), Write(8), Anon(4, 3), Write(4)]),
        // ... over the end of an unwritten P, X and the start of N
        ("anon, prev and next cut by the mmap", [Anon(0, 4), Anon(4, 1, Prot.Read), Anon(5, 4), Write(8), Anon(2, 5), Write(2)]),
        // a private file mapping between an unwritten and a copied-on-write one, linear
        ("private file, neighbours existed", [File(0, 2, 0), File(3, 2, 3), Write(4), File(2, 1, 2), Write(2)]),
        // private file mappings: MAP_FIXED over the end of an unwritten one, a read-only one and a written one
        ("private file, prev and next cut by the mmap",
            [File(0, 4, 0), File(4, 1, 4, Prot.Read), File(5, 4, 5), Write(8), File(3, 4, 3), Write(3)]),
    ];

    /// <summary>mbind: every mode, ranges over several VMAs and holes, shared file mappings.</summary>
    public static WorkItem[] Mbind { get; } =
    [
        Operation.Munmap(W, 32 * P),          // no reservation: holes
        Anon(0, 4), Anon(6, 4), Write(1),
        Bind(0, 2, MpolMode.Bind),            // splits
        Bind(1, 2, MpolMode.Preferred),       // over two VMAs
        Bind(0, 10, MpolMode.Interleave),     // hole in the middle: -EFAULT
        Bind(2, 4, MpolMode.Bind),            // hole at the end: -EFAULT
        Bind(4, 2, MpolMode.Bind),            // only a hole: -EFAULT
        Bind(6, 4, MpolMode.Bind),
        Bind(0, 10, MpolMode.Default),        // holes are fine for MPOL_DEFAULT
        Bind(6, 4, MpolMode.Interleave),
        Bind(5, 3, MpolMode.Default),         // starts in a hole: 4.16 -EFAULT, 6.1 0
        Bind(12, 4, MpolMode.Default),        // nothing there: -EFAULT
        // a shared file mapping's policy lives in the file
        Operation.Mmap(W + (16 * P), 4 * P, RW, MapFlags.Shared | MapFlags.Fixed, 0, 0),
        Bind(17, 2, MpolMode.Bind),
        Operation.Munmap(W + (16 * P), 4 * P),
        Operation.Mmap(W + (20 * P), 2 * P, RW, MapFlags.Shared | MapFlags.Fixed, 0, 1),  // shows bind
        File(24, 2, 2),                                                                       // private too
        Operation.Mmap(W + (27 * P), 4 * P, RW, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed),
        Bind(27, 2, MpolMode.Interleave),
        Bind(27, 4, MpolMode.Default),        // merges back; the file's policy goes
        Bind(20, 2, MpolMode.Preferred),      // the private mapping of page 2 shows it too
        Bind(16, 16, MpolMode.Default),       // starts in a hole
    ];

    /// <summary>
    /// The mprotect-accounting sequences and the case each must be counted under on 6.12 (null:
    /// 4.16's and 6.12's rules agree; the sequence must match there as well).
    /// </summary>
    public static IReadOnlyList<(string? Case, WorkItem[] Ops)> Unaccount { get; } =
    [
        // X read-only | N read-write, read but never written; N made read-only: 6.12 merges X and N
        (KernelRules.UnaccountCase, [Anon(0, 1, Prot.Read), Anon(1, 3), Read(1), Protect(1, 3, Prot.Read)]),
        // the first half of an unwritten N made read-only joins X; the rest stays read-write
        (KernelRules.UnaccountCase, [Anon(0, 2, Prot.Read), Anon(2, 4), Protect(2, 2, Prot.Read), Write(5)]),
        // N written first: it keeps VM_ACCOUNT and stays apart on every kernel
        (null, [Anon(0, 1, Prot.Read), Anon(1, 3), Write(2), Protect(1, 3, Prot.Read)]),
    ];

    /// <summary>
    /// The stack-growth sequences (MAP_GROWSDOWN, expand_downwards) and how many of their touches
    /// must expand a stack and how many must be refused, on every kernel and the model alike.
    /// </summary>
    public static IReadOnlyList<(int Growths, int Refusals, WorkItem[] Ops)> Stack { get; } =
    [
        // a hole of two pages below S: each touch expands S by what it needs
        (2, 0, [Growsdown(10, 2), Unmap(8, 2), Write(9), Write(8)]),
        // an accessible VMA right below the hole, within stack_guard_gap: refused (SEGV_MAPERR), also read-only
        (0, 1, [Growsdown(10, 2), Unmap(7, 3), Anon(6, 1), Write(9)]),
        (0, 1, [Growsdown(10, 2), Unmap(7, 3), Anon(6, 1, Prot.Read), Read(9)]),
        // a PROT_NONE VMA below does not count for the gap, nor does another growsdown one
        (1, 0, [Growsdown(10, 2), Unmap(7, 3), Anon(6, 1, Prot.None), Write(7)]),
        (2, 0, [Growsdown(6, 1), Growsdown(10, 2), Unmap(7, 3), Write(9), Write(7)]),
        // nothing below down to the area under the window: RLIMIT_STACK (8 MiB from S's end) exactly, then a page more
        (1, 1, [Growsdown(10, 2), Unmap(0, 10), Operation.Fault(W + (12 * P) - SequenceGenerator.RlimitStack, FaultFlags.Write),
            Operation.Fault(W + (12 * P) - SequenceGenerator.RlimitStack - P, FaultFlags.Read)]),
        // a read-only stack grows for a read; a write below it expands it, then fails the access check (SEGV_ACCERR)
        (2, 0, [Growsdown(10, 2, Prot.Read), Unmap(8, 2), Read(9), Write(8)]),
        // below mmap_min_addr (65536, which the guest sets): refused; the mapping goes again
        (0, 1, [Operation.Mmap(0x10000, P, RW, FixedAnon | MapFlags.Growsdown), Operation.Fault(0xf000, FaultFlags.Write),
            Operation.Munmap(0x10000, P)]),
        // MAP_GROWSDOWN on shared anonymous memory: -EINVAL
        (0, 0, [Operation.Mmap(W + (10 * P), P, RW, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed | MapFlags.Growsdown)]),
    ];

    /// <summary>
    /// The fork sequences (the guest's fork step: the child's layout, then per page the parent's
    /// read, the child's read and write, the parent's read after the child exited) and how many
    /// fork steps each has; every one matches on every kernel, on both backends.
    /// </summary>
    public static IReadOnlyList<(int Forks, WorkItem[] Ops)> Fork { get; } =
    [
        // private anonymous, one page written: the child reads the parent's byte, its write stays in the child;
        // the parent writes again after the child exited, and a second child reads that
        (2, [Anon(0, 4), Write(1), ForkOver(0, 4), Write(1), ForkOver(1, 1)]),
        // shared anonymous: the child's write reaches the parent
        (1, [Operation.Mmap(W + (4 * P), 2 * P, RW, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed), Write(4), ForkOver(4, 2)]),
        // one file, mapped shared and privately (the private mapping copied on write in one page)
        (2, [Operation.Mmap(W, 2 * P, RW, MapFlags.Shared | MapFlags.Fixed, 0, 0), Write(0), File(4, 2, 0), Write(5), ForkOver(0, 2),
            ForkOver(4, 2)]),
        // MADV_DONTFORK splits off the middle page: the child has no VMA there (SEGV_MAPERR); DOFORK merges it back
        (2, [Anon(0, 3), Write(0), Write(1), Advise(1, 1, MadviseAdvice.Dontfork), ForkOver(0, 3), Advise(1, 1, MadviseAdvice.Dofork),
            ForkOver(0, 3)]),
        // MADV_WIPEONFORK: the child's VMA is empty (reads zero), the parent keeps its byte; KEEPONFORK undoes it
        (2, [Anon(2, 2), Write(2), Write(3), Advise(2, 2, MadviseAdvice.Wipeonfork), ForkOver(2, 2), Advise(2, 2, MadviseAdvice.Keeponfork),
            ForkOver(2, 2)]),
        // WIPEONFORK only on private anonymous memory: shared anonymous and file mappings -EINVAL; madvise over a hole -ENOMEM
        (0, [Operation.Mmap(W + (4 * P), P, RW, MapFlags.Shared | MapFlags.Anonymous | MapFlags.Fixed), Advise(4, 1, MadviseAdvice.Wipeonfork),
            File(6, 1, 0), Advise(6, 1, MadviseAdvice.Wipeonfork), Unmap(8, 1), Advise(7, 3, MadviseAdvice.Dontfork)]),
        // read-only, PROT_NONE and a hole: the accesses fail alike in parent and child
        (1, [Anon(0, 1, Prot.Read), Read(0), Anon(1, 1, Prot.None), Unmap(2, 1), ForkOver(0, 4)]),
        // a private file mapping reaching past the file's end (16 pages): SIGBUS there in parent and child
        (1, [File(10, 2, 15), Read(10), ForkOver(10, 2)]),
    ];

    /// <summary>The batch: <paramref name="first"/> and on, one sequence each, after the generated ones.</summary>
    public static IEnumerable<KernelSequence> Sequences(int first)
    {
        var i = first;
        foreach (var (_, ops) in MergeOrder)
            yield return new KernelSequence(i++, 0, [16 * P], ops);
        foreach (var (_, ops) in Unaccount)
            yield return new KernelSequence(i++, 0, [16 * P], ops);
        foreach (var (_, _, ops) in Stack)
            yield return new KernelSequence(i++, 0, [16 * P], ops);
        foreach (var (_, ops) in Fork)
            yield return new KernelSequence(i++, 0, [16 * P], ops);
        yield return new KernelSequence(i, 0, [16 * P], Mbind);
    }

    private static WorkItem Anon(int page, int pages, Prot prot = RW) =>
        Operation.Mmap(W + ((ulong)page * P), (ulong)pages * P, prot, FixedAnon);

    private static WorkItem Growsdown(int page, int pages, Prot prot = RW) =>
        Operation.Mmap(W + ((ulong)page * P), (ulong)pages * P, prot, FixedAnon | MapFlags.Growsdown);

    private static WorkItem Unmap(int page, int pages) => Operation.Munmap(W + ((ulong)page * P), (ulong)pages * P);

    private static WorkItem File(int page, int pages, ulong pgoff, Prot prot = RW) =>
        Operation.Mmap(W + ((ulong)page * P), (ulong)pages * P, prot, FixedFile, 0, pgoff);

    private static WorkItem Write(int page) => Operation.Fault(W + ((ulong)page * P), FaultFlags.Write);

    private static WorkItem Read(int page) => Operation.Fault(W + ((ulong)page * P), FaultFlags.Read);

    private static WorkItem Protect(int page, int pages, Prot prot) =>
        Operation.Mprotect(W + ((ulong)page * P), (ulong)pages * P, prot);

    private static WorkItem ForkOver(int page, int pages) => KernelSequence.ForkOver(W + ((ulong)page * P), (ulong)pages * P);

    private static WorkItem Advise(int page, int pages, MadviseAdvice advice) =>
        Operation.Madvise(W + ((ulong)page * P), (ulong)pages * P, advice);

    private static WorkItem Bind(int page, int pages, MpolMode mode) =>
        Operation.Mbind(W + ((ulong)page * P), (ulong)pages * P, mode);
}
