// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Contract;

/// <summary>One config of the registry (native/configs.mk): what it builds and where it is offered.</summary>
/// <param name="Name">"mmu-spf", "mmu", "nommu", ...</param>
/// <param name="Mmu">Builds the MMU model (CONFIG_MMU), else mm/nommu.c.</param>
/// <param name="Spf">Built with CONFIG_SPECULATIVE_PAGE_FAULT.</param>
/// <param name="SharedFree">nommu freeing VMAs through the shared __free_vma (not 4.16's open-coded frees).</param>
/// <param name="TestOnly">Test-only: built and bound, but not in the managed port nor listed by the CLI.</param>
/// <param name="Stress">The C stress driver is built against it.</param>
/// <param name="Flags">The compiler flags native/Makefile builds it with.</param>
/// <param name="SpfRcu">SPF with the VMA kept by an RCU read-side section instead of vm_ref_count (CONFIG_SPF_RCU).</param>
/// <param name="PerVmaLock">Linux 6.4's per-VMA locks (CONFIG_PER_VMA_LOCK).</param>
/// <param name="VmaRefcnt">Linux 6.15's vm_refcnt in place of the per-VMA lock, VMAs typesafe by RCU (CONFIG_VMA_REFCNT).</param>
/// <param name="SpfReuseVma">SPF v9's fallback: the classic path reuses the VMA a speculative attempt gave up on, with its reference, instead of find_vma (CONFIG_SPF_REUSE_VMA).</param>
public sealed record ConfigDescriptor(
    string Name,
    bool Mmu,
    bool Spf,
    bool SharedFree,
    bool TestOnly,
    bool Stress,
    IReadOnlyList<string> Flags,
    bool SpfRcu = false,
    bool PerVmaLock = false,
    bool VmaRefcnt = false,
    bool SpfReuseVma = false)
{
    /// <summary>VMAs are freed only after an RCU grace period (6.15's typesafe cache reuses them at once).</summary>
    public bool RcuFree => SpfRcu || (PerVmaLock && !VmaRefcnt);

    /// <summary>The fault walks the maple tree under RCU alone (every design after SPF).</summary>
    public bool MapleIndex => SpfRcu || PerVmaLock;
}
