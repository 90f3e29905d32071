// SPDX-License-Identifier: GPL-2.0-only
using System.Text;
using Testbed.Contract;
using Testbed.Harness.Workloads;

namespace Testbed.Harness.Kernel;

/// <summary>
/// One operation sequence: a fresh window reservation, the files (slot i has size
/// <c>FileSizes[i]</c>), then the operations. <see cref="Index"/> is its place in the batch.
/// The steps are the runners' one vocabulary: a file mapping's fd is its file slot (the model
/// opens the files in slot order), a touch is a fault (read or write), a race is
/// <see cref="WorkItem.RaceOver"/>, a fork is <see cref="KernelSequence.ForkOver"/>.
/// </summary>
public sealed record KernelSequence(int Index, ulong Seed, IReadOnlyList<ulong> FileSizes, IReadOnlyList<WorkItem> Ops)
{
    /// <summary>
    /// A fork whose child reports its layout and reads, then writes, each page of
    /// [<paramref name="addr"/>, +<paramref name="len"/>) (at most 8 pages), the parent reading
    /// them before the fork and after the child exited (docs/kernel-hooks.md, "Fork").
    /// </summary>
    public static WorkItem ForkOver(ulong addr, ulong len) => new(new Operation(OpKind.Fork, addr, len, Prot.None, 0, -1, 0));
}

/// <summary>A batch of sequences over one window, and its text form for the guest program.</summary>
public sealed record KernelBatch(ulong WindowBase, int WindowPages, ulong Seed, IReadOnlyList<KernelSequence> Sequences)
{
    /// <summary>The window's end address (exclusive).</summary>
    public ulong WindowEnd => WindowBase + ((ulong)WindowPages * 4096);

    /// <summary>The guest program's input (format in native/guest/guest.c and docs/kernel-hooks.md).</summary>
    public string ToGuestInput()
    {
        var sb = new StringBuilder();
        sb.Append($"# testbed kernel sequences, seed {Seed}\n");
        sb.Append($"window 0x{WindowBase:x} {WindowPages}\n");
        foreach (var seq in Sequences)
        {
            sb.Append($"seq {seq.Index}\n");
            for (var slot = 0; slot < seq.FileSizes.Count; slot++)
                sb.Append($"file {slot} 0x{seq.FileSizes[slot]:x}\n");
            foreach (var op in seq.Ops)
                sb.Append(GuestLine(op)).Append('\n');
            sb.Append("end\n");
        }

        return sb.ToString();
    }

    /// <summary>The line the guest program reads for <paramref name="step"/>.</summary>
    public static string GuestLine(WorkItem step)
    {
        var op = step.Op;
        if (step.Race is { } race)
            return $"race {race.Threads} {race.Iterations} 0x{op.Addr:x} 0x{op.Len:x}";
        return op.Kind switch
        {
            OpKind.Mmap => $"mmap 0x{op.Addr:x} 0x{op.Len:x} {(uint)op.Prot} 0x{op.Flags:x} {op.Fd} {op.PgOff}",
            OpKind.Munmap => $"munmap 0x{op.Addr:x} 0x{op.Len:x}",
            OpKind.Mprotect => $"mprotect 0x{op.Addr:x} 0x{op.Len:x} {(uint)op.Prot}",
            OpKind.Fault => $"touch 0x{op.Addr:x} {(((FaultFlags)op.Flags & FaultFlags.Write) != 0 ? 'w' : 'r')}",
            OpKind.Mbind => $"mbind 0x{op.Addr:x} 0x{op.Len:x} {op.Flags}",
            OpKind.Madvise => $"madvise 0x{op.Addr:x} 0x{op.Len:x} {op.Flags}",
            OpKind.Fork => $"fork 0x{op.Addr:x} 0x{op.Len:x}",
            _ => throw new InvalidOperationException($"the guest cannot run {step}"),
        };
    }
}
