// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Harness.Kernel;

/// <summary>
/// A named, documented place where the model (Linux 4.16 semantics, our API) legitimately
/// differs from the kernel the guest runs (6.1 by default). The comparer applies a rule only
/// when its exact condition holds and counts every use, so nothing is filtered silently; a rule
/// never excuses a layout difference. docs/kernel-hooks.md lists the same rules. (4.16's and
/// 6.1's mmap merge orders need no rule: the model has both, see <see cref="KernelRules"/>.)
/// </summary>
public sealed record KnownDifference(string Name, string Description)
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
    /// mbind(MPOL_DEFAULT) over a range that starts in a hole and has a VMA inside. 4.16's
    /// mbind_range starts with find_vma(start) and answers -EFAULT when that VMA begins above
    /// start (the model does the same); 6.1 walks the VMAs of the range (MPOL_DEFAULT sets
    /// MPOL_MF_DISCONTIG_OK in do_mbind, so queue_pages_range accepts the hole at the head) and
    /// resets every one of them. Applies when the op is such an mbind (checked on the model's
    /// layout before it), the kernel says 0 and the model -EFAULT. The model is then brought to
    /// 6.1's outcome, mbind(MPOL_DEFAULT) from the first VMA's start to the end of the range,
    /// which must succeed, and the layouts must match exactly; the sequence goes on.
    /// </summary>
    public static readonly KnownDifference MbindDefaultHeadHole = new(
        nameof(MbindDefaultHeadHole),
        "mbind(MPOL_DEFAULT) starting in a hole: 4.16 and the model -EFAULT, 6.1 resets the VMAs of the range");

    /// <summary>
    /// A projection, counted: for a VMA of a shmem file (our memfds and shared anonymous
    /// memory) numa_maps shows the policy stored in the file at the VMA's first page
    /// (shmem_get_policy), which vma_replace_policy sets through shmem's set_policy, which
    /// outlives munmap and which every mapping of those pages shares. The model keeps a policy
    /// per VMA only (docs/model.md, "Known simplifications"), so the comparer keeps the files'
    /// shared policies beside it (<see cref="SharedPolicies"/>, 6.1's rules, from the model's
    /// own layouts) and compares a file VMA's policy with that. A step that matches only
    /// because of it (some file VMA's vm_policy in the model differs from its file's policy)
    /// is counted under this name.
    /// </summary>
    public static readonly KnownDifference ShmemSharedPolicy = new(
        nameof(ShmemSharedPolicy),
        "a shmem VMA shows its file's shared policy (kept beside the model), not its own vm_policy");

    /// <summary>
    /// Not a semantic difference but a projection rule, listed so that it is visible:
    /// /proc/pid/maps prints offset 0 for VMAs without a file, while the model's private
    /// anonymous VMAs carry vm_pgoff = vm_start &gt;&gt; PAGE_SHIFT (as the kernel's do). The model's
    /// offset is therefore compared only for file-backed VMAs (our files and shared anonymous).
    /// </summary>
    public static readonly KnownDifference AnonOffsetHidden = new(
        nameof(AnonOffsetHidden),
        "maps shows offset 0 for anonymous VMAs: the model's anon vm_pgoff is not compared");

    /// <summary>
    /// A projection rule, listed so that it is visible: the model keeps no page contents, so the
    /// bytes the guest reads around a fork step are not compared with the model but held to the
    /// model's VMA at each page: the child reads the parent's byte (zero in a VM_WIPEONFORK VMA),
    /// and after the child wrote, the parent reads its own byte in a private VMA (the child's
    /// write copied the page) and the child's in a shared one. The access results (parent before,
    /// child read, child write, parent after) and the child's layout are compared exactly.
    /// </summary>
    public static readonly KnownDifference ForkPageContents = new(
        nameof(ForkPageContents),
        "fork: the model has no page contents; the bytes read are held to its VMAs (COW, shared, WIPEONFORK)");

    /// <summary>The rules that can excuse a step's result.</summary>
    public static IReadOnlyList<KnownDifference> ResultRules { get; } = [MprotectZeroLength, SigbusBeyondEof, MbindDefaultHeadHole];

    /// <summary>Every rule the report counts steps of, in the order it lists them.</summary>
    public static IReadOnlyList<KnownDifference> CountedRules { get; } = [.. ResultRules, ShmemSharedPolicy];

    /// <summary>The rules applied to every layout before comparing (always on, listed in the report).</summary>
    public static IReadOnlyList<KnownDifference> ProjectionRules { get; } = [AnonOffsetHidden, ForkPageContents];
}
