// SPDX-License-Identifier: GPL-2.0-only
using static Testbed.Contract.Errno;

namespace Testbed.Interop;

/// <summary>
/// A tb_* call returned a negative errno. The message names the call and its arguments:
/// "tb_mmap(0x1000, 0x0, ...) failed: -EINVAL (22)".
/// </summary>
public class TestbedErrnoException : Exception
{
    /// <summary>Creates the exception for <paramref name="errno"/> (positive) raised by <paramref name="operation"/>.</summary>
    public TestbedErrnoException(int errno, string operation)
        : base($"{operation} failed: -{Contract.Errno.Name(errno)} ({errno})")
    {
        Errno = errno;
        Operation = operation;
        HResult = -errno;
    }

    /// <summary>The errno, positive (22 for EINVAL).</summary>
    public int Errno { get; }

    /// <summary>The errno's name, e.g. "EINVAL".</summary>
    public string ErrnoName => Contract.Errno.Name(Errno);

    /// <summary>The call that failed, with its arguments.</summary>
    public string Operation { get; }

    /// <summary>The most specific exception for a negative <paramref name="result"/>.</summary>
    public static TestbedErrnoException FromResult(long result, string operation)
    {
        var errno = (int)-result;
        return errno switch
        {
            EINVAL => new TestbedInvalidArgumentException(operation),
            ENOMEM => new TestbedOutOfMemoryException(operation),
            EBADF => new TestbedBadHandleException(operation),
            EFAULT => new TestbedBadAddressException(operation),
            EACCES => new TestbedAccessDeniedException(operation),
            EPERM => new TestbedPermissionException(operation),
            ENOENT => new TestbedNotFoundException(operation),
            EOVERFLOW => new TestbedOverflowException(operation),
            EOPNOTSUPP => new TestbedNotSupportedException(operation),
            EMFILE or ENOSPC => new TestbedTableFullException(errno, operation),
            _ => new TestbedErrnoException(errno, operation),
        };
    }
}
