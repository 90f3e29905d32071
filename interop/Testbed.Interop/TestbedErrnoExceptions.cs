// SPDX-License-Identifier: GPL-2.0-only
using static Testbed.Contract.Errno;

namespace Testbed.Interop;

/// <summary>-EINVAL: unaligned, zero-length or overflowing range, unknown flags, bad argument.</summary>
public sealed class TestbedInvalidArgumentException(string operation)
    : TestbedErrnoException(EINVAL, operation);

/// <summary>-ENOMEM: no address space left, map_count limit, range above TASK_SIZE, or allocation failure.</summary>
public sealed class TestbedOutOfMemoryException(string operation)
    : TestbedErrnoException(ENOMEM, operation);

/// <summary>-EBADF: a bad or destroyed mm handle, file descriptor or VMA reference.</summary>
public sealed class TestbedBadHandleException(string operation)
    : TestbedErrnoException(EBADF, operation);

/// <summary>-EFAULT: no VMA at the address, or a hole in the range.</summary>
public sealed class TestbedBadAddressException(string operation)
    : TestbedErrnoException(EFAULT, operation);

/// <summary>-EACCES: the VMA's rights do not allow the access.</summary>
public sealed class TestbedAccessDeniedException(string operation)
    : TestbedErrnoException(EACCES, operation);

/// <summary>-EPERM: a fixed mapping below mmap_min_addr.</summary>
public sealed class TestbedPermissionException(string operation)
    : TestbedErrnoException(EPERM, operation);

/// <summary>-ENOENT: nothing found (get_vma above the last VMA).</summary>
public sealed class TestbedNotFoundException(string operation)
    : TestbedErrnoException(ENOENT, operation);

/// <summary>-EOVERFLOW: pgoff plus length overflows.</summary>
public sealed class TestbedOverflowException(string operation)
    : TestbedErrnoException(EOVERFLOW, operation);

/// <summary>-EOPNOTSUPP: the config does not have this operation (get_vma without SPF).</summary>
public sealed class TestbedNotSupportedException(string operation)
    : TestbedErrnoException(EOPNOTSUPP, operation);

/// <summary>-EMFILE or -ENOSPC: the file table or the VMA reference table is full.</summary>
public sealed class TestbedTableFullException(int errno, string operation)
    : TestbedErrnoException(errno, operation);
