// SPDX-License-Identifier: GPL-2.0-only
namespace Testbed.Interop;

/// <summary>
/// A tb_* call returned a negative errno. The message names the call and its arguments:
/// "tb_mmap(0x1000, 0x0, ...) failed: -EINVAL (22)".
/// </summary>
public class TestbedErrnoException : Exception
{
    /// <summary>Creates the exception for <paramref name="errno"/> (positive) raised by <paramref name="operation"/>.</summary>
    public TestbedErrnoException(int errno, string operation)
        : base($"{operation} failed: -{NativeErrno.Name(errno)} ({errno})")
    {
        Errno = errno;
        Operation = operation;
        HResult = -errno;
    }

    /// <summary>The errno, positive (22 for EINVAL).</summary>
    public int Errno { get; }

    /// <summary>The errno's name, e.g. "EINVAL".</summary>
    public string ErrnoName => NativeErrno.Name(Errno);

    /// <summary>The call that failed, with its arguments.</summary>
    public string Operation { get; }

    /// <summary>The most specific exception for a negative <paramref name="result"/>.</summary>
    public static TestbedErrnoException FromResult(long result, string operation)
    {
        var errno = (int)-result;
        return errno switch
        {
            NativeErrno.EINVAL => new TestbedInvalidArgumentException(operation),
            NativeErrno.ENOMEM => new TestbedOutOfMemoryException(operation),
            NativeErrno.EBADF => new TestbedBadHandleException(operation),
            NativeErrno.EFAULT => new TestbedBadAddressException(operation),
            NativeErrno.EACCES => new TestbedAccessDeniedException(operation),
            NativeErrno.EPERM => new TestbedPermissionException(operation),
            NativeErrno.ENOENT => new TestbedNotFoundException(operation),
            NativeErrno.EOVERFLOW => new TestbedOverflowException(operation),
            NativeErrno.EOPNOTSUPP => new TestbedNotSupportedException(operation),
            NativeErrno.EMFILE or NativeErrno.ENOSPC => new TestbedTableFullException(errno, operation),
            _ => new TestbedErrnoException(errno, operation),
        };
    }
}
