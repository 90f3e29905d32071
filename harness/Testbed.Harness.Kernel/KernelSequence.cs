// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Harness.Kernel;

/// <summary>
/// One operation sequence: a fresh window reservation, the files (slot i has size
/// <c>FileSizes[i]</c>), then the operations. <see cref="Index"/> is its place in the batch.
/// </summary>
public sealed record KernelSequence(int Index, ulong Seed, IReadOnlyList<ulong> FileSizes, IReadOnlyList<KernelOp> Ops);

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
                sb.Append(op.ToGuestLine()).Append('\n');
            sb.Append("end\n");
        }

        return sb.ToString();
    }
}
