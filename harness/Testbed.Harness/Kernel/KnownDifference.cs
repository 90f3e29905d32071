// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// A named, documented place where the model (Linux 4.16 semantics, our API) legitimately
/// differs from the kernel the guest runs (6.1 by default). The comparer applies a rule only
/// when its exact condition holds and counts every use, so nothing is filtered silently. A rule
/// that <see cref="Diverges"/> excuses a layout difference; the rest of that sequence is then
/// skipped, never compared against a state the two sides no longer share.
/// docs/kernel-hooks.md lists the same rules.
/// </summary>
public sealed record KnownDifference(string Name, string Description, bool Diverges = false)
{
    /// <summary>
    /// mprotect with len 0: Linux returns 0 and changes nothing; our API rejects zero length
    /// everywhere with -EINVAL (a deliberate deviation, DESIGN "Model semantics").
    /// Applies when the op is mprotect with len 0, the kernel says 0 and the model -EINVAL.
    /// </summary>
    public static readonly KnownDifference MprotectZeroLength = new(
        nameof(MprotectZeroLength),
        "mprotect(len 0): kernel 0, model -EINVAL (our API rejects zero length)");

    /// <summary>
    /// A touch of a file page at or past the end of the file: the kernel raises SIGBUS (the page
    /// cache has no page there); the model has no file contents and answers the fault.
    /// Applies when the kernel touch ended in SIGBUS, the model's fault succeeded and the
    /// model's VMA at the address is one of our files with (pgoff + page index) * 4096 &gt;= size.
    /// </summary>
    public static readonly KnownDifference SigbusBeyondEof = new(
        nameof(SigbusBeyondEof),
        "touch past the end of a file: kernel SIGBUS, model fault succeeds (no file contents)");

    /// <summary>
    /// A new private anonymous mapping that fits exactly between prev and next, both
    /// compatible with it, where next has an anon_vma (it was written) and prev has none or
    /// another one. 4.16's vma_merge tries prev first: with is_mergeable_anon_vma(prev, next,
    /// NULL) it makes one VMA of all three when prev has no anon_vma, else joins prev only. 6.1's
    /// mmap_region tries next first (vma_expand) and then accepts prev only if
    /// is_mergeable_anon_vma(next's anon_vma, prev's, prev) holds, which needs prev's
    /// anon_vma_chain to be singular (it is empty for an unfaulted prev) or the same anon_vma:
    /// so the new range joins next and prev stays apart. Applies when the op is such an mmap
    /// (checked on the model's layout before the op), both results are equal, and the kernel's
    /// layout is the model's with [prev.start, next.end) cut exactly at the mmap's start. The
    /// layouts have diverged, so the rest of the sequence is not compared (counted as skipped).
    /// </summary>
    public static readonly KnownDifference MmapJoinsNextFirst = new(
        nameof(MmapJoinsNextFirst),
        "mmap between prev and a written next: 4.16 merges into prev (or all three), 6.1 (vma_expand) joins next only",
        Diverges: true);

    /// <summary>
    /// Not a semantic difference but a projection rule, listed so that it is visible:
    /// /proc/pid/maps prints offset 0 for VMAs without a file, while the model's private
    /// anonymous VMAs carry vm_pgoff = vm_start &gt;&gt; PAGE_SHIFT (as the kernel's do). The model's
    /// offset is therefore compared only for file-backed VMAs (our files and shared anonymous).
    /// </summary>
    public static readonly KnownDifference AnonOffsetHidden = new(
        nameof(AnonOffsetHidden),
        "maps shows offset 0 for anonymous VMAs: the model's anon vm_pgoff is not compared");

    /// <summary>True when the two layouts differ after the step, so the sequence cannot be compared further.</summary>
    public bool Diverges { get; init; } = Diverges;

    /// <summary>The rules that can excuse a step's result, in the order the report lists them.</summary>
    public static IReadOnlyList<KnownDifference> ResultRules { get; } = [MprotectZeroLength, SigbusBeyondEof, MmapJoinsNextFirst];

    /// <summary>The rules applied to every layout before comparing (always on, listed in the report).</summary>
    public static IReadOnlyList<KnownDifference> ProjectionRules { get; } = [AnonOffsetHidden];
}
