// SPDX-License-Identifier: GPL-2.0-only
// Port of mm/mmap.c vma_compute_subtree_gap and RB_DECLARE_CALLBACKS(static,
// vma_gap_callbacks, struct vm_area_struct, vm_rb, unsigned long, rb_subtree_gap,
// vma_compute_subtree_gap).
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>vma_gap_callbacks.</summary>
internal readonly struct VmaGapCallbacks : IRbAugmentCallbacks<VmAreaStruct>
{
    /// <summary>
    /// vma_compute_subtree_gap: the gap before this VMA (from vm_prev's end; no stack
    /// guard gap in the model) or the largest of its children's subtree gaps.
    /// </summary>
    public static ulong ComputeSubtreeGap(VmAreaStruct vma)
    {
        var max = vma.VmStart;
        if (vma.VmPrev is { } prev)
        {
            var prevEnd = prev.VmEnd;
            max = max > prevEnd ? max - prevEnd : 0;
        }
        if (vma.VmRb.Left is { } left && left.Entry.RbSubtreeGap > max)
            max = left.Entry.RbSubtreeGap;
        if (vma.VmRb.Right is { } right && right.Entry.RbSubtreeGap > max)
            max = right.Entry.RbSubtreeGap;
        return max;
    }

    /// <inheritdoc/>
    public void Propagate(RbNode<VmAreaStruct>? node, RbNode<VmAreaStruct>? stop)
    {
        while (node != stop && node is not null)
        {
            var vma = node.Entry;
            var gap = ComputeSubtreeGap(vma);
            if (vma.RbSubtreeGap == gap)
                break;
            vma.RbSubtreeGap = gap;
            node = node.Parent;
        }
    }

    /// <inheritdoc/>
    public void Copy(RbNode<VmAreaStruct> oldNode, RbNode<VmAreaStruct> newNode) =>
        newNode.Entry.RbSubtreeGap = oldNode.Entry.RbSubtreeGap;

    /// <inheritdoc/>
    public void Rotate(RbNode<VmAreaStruct> oldNode, RbNode<VmAreaStruct> newNode)
    {
        newNode.Entry.RbSubtreeGap = oldNode.Entry.RbSubtreeGap;
        oldNode.Entry.RbSubtreeGap = ComputeSubtreeGap(oldNode.Entry);
    }
}
