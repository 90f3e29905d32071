// SPDX-License-Identifier: GPL-2.0-only
using System.Text;

namespace Testbed.Harness.Kernel;

/// <summary>
/// The first step of a sequence where the model and the kernel disagree: where (seed, sequence,
/// operation), what (the operation, both results, both layouts), why, and how to replay it.
/// </summary>
public sealed record KernelMismatch(
    ulong Seed,
    int SequenceIndex,
    int OpIndex,
    string Operation,
    string Reason,
    long KernelResult,
    long ModelResult,
    IReadOnlyList<KernelVma> KernelLayout,
    IReadOnlyList<KernelVma> ModelLayout,
    string Replay)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"MISMATCH seed {Seed} sequence {SequenceIndex} op {OpIndex}: {Operation}");
        sb.AppendLine($"  {Reason}");
        sb.AppendLine($"  result: kernel {Contract.Errno.Format(KernelResult)}, model {Contract.Errno.Format(ModelResult)}");
        sb.AppendLine("  kernel layout:");
        foreach (var v in KernelLayout)
            sb.AppendLine($"    {v}");
        sb.AppendLine("  model layout:");
        foreach (var v in ModelLayout)
            sb.AppendLine($"    {v}");
        sb.Append($"  replay: {Replay}");
        return sb.ToString();
    }
}
