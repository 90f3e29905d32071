// SPDX-License-Identifier: GPL-2.0-only
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

/// <summary>Port of mm/util.c: what mm/mmap.c and mm/nommu.c share.</summary>
internal sealed partial class MmStruct
{
    /// <summary>
    /// __vma_link_list: puts <paramref name="vma"/> after <paramref name="prev"/> in the list.
    /// Without a prev the VMA becomes the first, and its successor is the tree node it was
    /// linked under: a new leftmost node's parent is the old leftmost VMA.
    /// </summary>
    internal void VmaLinkList(VmAreaStruct vma, VmAreaStruct? prev, RbNode<VmAreaStruct>? rbParent)
    {
        VmAreaStruct? next;
        vma.VmPrev = prev;
        if (prev is not null)
        {
            next = prev.VmNext;
            prev.VmNext = vma;
        }
        else
        {
            Mmap = vma;
            next = rbParent?.Entry;
        }
        vma.VmNext = next;
        if (next is not null)
            next.VmPrev = vma;
    }
}
