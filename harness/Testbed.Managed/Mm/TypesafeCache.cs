// SPDX-License-Identifier: GPL-2.0-only
// Port of native/kernel/slab.c's SLAB_TYPESAFE_BY_RCU free list, for 6.15's vm_area_cachep.
namespace Testbed.Managed.Mm;

/// <summary>
/// The VMA cache of 6.15, typesafe by RCU: a freed VMA goes on one process-wide LIFO list
/// and the next allocation, for any mm, takes it back at once. A reader holding a stale
/// pointer so meets a VMA that is free or belongs to another mapping, of its mm or another.
/// </summary>
internal static class TypesafeCache
{
    private static readonly Lock FreeLock = new();
    private static readonly Stack<VmAreaStruct> FreeList = new();

    /// <summary>Puts a freed VMA on the list.</summary>
    public static void Push(VmAreaStruct vma)
    {
        lock (FreeLock)
            FreeList.Push(vma);
    }

    /// <summary>The last VMA freed, or null.</summary>
    public static VmAreaStruct? Pop()
    {
        lock (FreeLock)
            return FreeList.TryPop(out var vma) ? vma : null;
    }
}
