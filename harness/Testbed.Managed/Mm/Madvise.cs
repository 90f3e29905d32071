// SPDX-License-Identifier: GPL-2.0-only
// Port of native/mm/madvise.c: the fork behaviours of madvise (VM_DONTCOPY, VM_WIPEONFORK).
using Testbed.Contract;
using Testbed.Managed.Kernel;

namespace Testbed.Managed.Mm;

internal sealed partial class MmStruct
{
    /// <summary>
    /// The madvise walk over [start, end) under mmap_sem for write (the caller checked the
    /// arguments): a hole is -ENOMEM after the VMAs around it changed.
    /// </summary>
    public int DoMadvise(ulong start, ulong end, MadviseAdvice behavior)
    {
        var unmappedError = 0;
        int error;
        MmapWriteLock();
        var vma = FindVmaPrev(start, out var prev);
        if (vma is not null && start > vma.VmStart)
            prev = vma;
        for (;;)
        {
            error = -Errno.ENOMEM;
            if (vma is null)
                break;
            if (start < vma.VmStart)
            {
                unmappedError = -Errno.ENOMEM;
                start = vma.VmStart;
                if (start >= end)
                    break;
            }
            var tmp = Math.Min(vma.VmEnd, end);
            error = MadviseBehavior(vma, ref prev, start, tmp, behavior);
            if (error != 0)
                break;
            start = tmp;
            if (prev is not null && start < prev.VmEnd)
                start = prev.VmEnd;
            error = unmappedError;
            if (start >= end)
                break;
            vma = prev is not null ? prev.VmNext : FindVma(start);
        }
        MmapWriteUnlock();
        return error;
    }

    /// <summary>madvise_behavior: the new flags on [start, end) of vma, by merge or split; -ENOMEM becomes -EAGAIN.</summary>
    private int MadviseBehavior(VmAreaStruct vma, ref VmAreaStruct? prev, ulong start, ulong end, MadviseAdvice behavior)
    {
        var newFlags = vma.VmFlags;
        var error = 0;
        switch (behavior)
        {
            case MadviseAdvice.Dontfork:
                newFlags |= VmFlags.Dontcopy;
                break;
            case MadviseAdvice.Dofork:
                newFlags &= ~VmFlags.Dontcopy;
                break;
            case MadviseAdvice.Wipeonfork:
                // Only on private anonymous memory.
                if (vma.VmFile is not null || (vma.VmFlags & VmFlags.Shared) != 0)
                    return -Errno.EINVAL;
                newFlags |= VmFlags.Wipeonfork;
                break;
            case MadviseAdvice.Keeponfork:
                newFlags &= ~VmFlags.Wipeonfork;
                break;
        }
        if (newFlags == vma.VmFlags)
        {
            prev = vma;
            return 0;
        }
        var pgoff = vma.VmPgoff + ((start - vma.VmStart) >> PageShift);
        prev = VmaMerge(prev, start, end, newFlags, vma.AnonVma, vma.VmFile, pgoff, vma.VmPolicy);
        if (prev is not null)
        {
            vma = prev;
        }
        else
        {
            prev = vma;
            if (start != vma.VmStart)
                error = MapCount >= SysctlMaxMapCount ? -Errno.ENOMEM : SplitVmaNoCheck(vma, start, newBelow: true);
            if (error == 0 && end != vma.VmEnd)
                error = MapCount >= SysctlMaxMapCount ? -Errno.ENOMEM : SplitVmaNoCheck(vma, end, newBelow: false);
            if (error != 0)
                return error == -Errno.ENOMEM ? -Errno.EAGAIN : error;
        }
        // vm_flags under mmap_sem for write and, for SPF, vm_sequence.
        vma.VmWriteBegin();
        vma.VmFlags = newFlags;
        vma.VmWriteEnd();
        return 0;
    }
}
